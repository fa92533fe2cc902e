package dev.lattice.replication;

import org.h2.result.Row;

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
    /** See {@link #primaryRow()}; null when not captured so. */
    private final Row primaryRow;
    private final RowLayout primaryLayout;

    public RowChange(TableId table, Op op, Object[] oldRow, Object[] newRow) {
        this(table, op, oldRow, newRow, null, null);
    }

    /**
     * An UPDATE that kept its row's key, captured on an embedded H2 primary with the row its H2
     * stored.
     */
    RowChange(TableId table, Object[] oldRow, Object[] newRow, Row primaryRow, RowLayout primaryLayout) {
        this(table, Op.UPDATE, oldRow, newRow, primaryRow, primaryLayout);
    }

    private RowChange(TableId table, Op op, Object[] oldRow, Object[] newRow, Row primaryRow,
                      RowLayout primaryLayout) {
        this.table = table;
        this.op = op;
        this.oldRow = oldRow;
        this.newRow = newRow;
        this.primaryRow = primaryRow;
        this.primaryLayout = primaryLayout;
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

    /**
     * The new row as the embedded H2 primary stored it, under the same key as before, or null.
     * H2 never changes a stored row (an UPDATE stores a new one) and its values are immutable, so an
     * in-memory replica table of the {@link #primaryLayout} may store this same row, with
     * nothing to convert or read. Only for a table without LOBs, whose values belong to one
     * database's LOB storage.
     */
    Row primaryRow() {
        return primaryRow;
    }

    /** How the primary's table lays out {@link #primaryRow}; null without one. */
    RowLayout primaryLayout() {
        return primaryLayout;
    }

    /** What {@link DirectApply} converted the new row to on the first replica that applied it, or null. */
    Object convertedNew() {
        return convertedNew;
    }

    void convertedNew(Object converted) {
        convertedNew = converted;
    }
}
