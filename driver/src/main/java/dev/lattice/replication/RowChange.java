package dev.lattice.replication;

/** One row inserted, updated or deleted on the primary: the table, and the row before and after. */
public final class RowChange {

    /** What happened to the row. */
    public enum Op { INSERT, UPDATE, DELETE }

    private final TableId table;
    private final Op op;
    private final Object[] oldRow;
    private final Object[] newRow;
    /** The new row as one replica's apply converted it, for the next replica with the same column types. */
    private volatile Object convertedNew;

    public RowChange(TableId table, Op op, Object[] oldRow, Object[] newRow) {
        this.table = table;
        this.op = op;
        this.oldRow = oldRow;
        this.newRow = newRow;
    }

    public TableId table() {
        return table;
    }

    public Op op() {
        return op;
    }

    /** The row before the change; null for an INSERT. */
    public Object[] oldRow() {
        return oldRow;
    }

    /** The row after the change; null for a DELETE. */
    public Object[] newRow() {
        return newRow;
    }

    /** What {@link DirectApply} converted the new row to on the first replica that applied it, or null. */
    Object convertedNew() {
        return convertedNew;
    }

    void convertedNew(Object converted) {
        convertedNew = converted;
    }
}
