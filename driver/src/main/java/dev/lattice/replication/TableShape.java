package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A replica table's columns as the applier needs them: which positions of a captured row it
 * writes (generated columns are computed by H2 itself), which form the primary key, and the
 * INSERT, UPDATE and DELETE statements that install a captured row change (an UPDATE writes the
 * columns it changed).
 */
final class TableShape {

    private static final String COLUMNS = "SELECT COLUMN_NAME, DATA_TYPE, IS_GENERATED, IDENTITY_GENERATION, COLUMN_ON_UPDATE "
            + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
    private static final long ALL_COLUMNS = -1;
    private static final String PRIMARY_KEY = "SELECT K.COLUMN_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS C "
            + "JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE K ON K.CONSTRAINT_SCHEMA = C.CONSTRAINT_SCHEMA "
            + "AND K.CONSTRAINT_NAME = C.CONSTRAINT_NAME WHERE C.TABLE_SCHEMA = ? AND C.TABLE_NAME = ? "
            + "AND C.CONSTRAINT_TYPE = 'PRIMARY KEY' ORDER BY K.ORDINAL_POSITION";

    private final int[] written;
    private final int[] key;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    /**
     * For UPDATEs that change only some columns: the SQL pieces, and a statement per set of changed
     * columns. The replica is null when the table has a column with an ON UPDATE expression.
     */
    private final Connection replica;
    private final String updateTarget;
    private final String[] assignments;
    private final String whereKey;
    private final Map<Long, PreparedStatement> partialUpdates = new HashMap<>();

    private TableShape(int[] written, int[] key, PreparedStatement insert, PreparedStatement update,
                       PreparedStatement delete, Connection replica, String updateTarget, String[] assignments,
                       String whereKey) {
        this.written = written;
        this.key = key;
        this.insert = insert;
        this.update = update;
        this.delete = delete;
        this.replica = replica;
        this.updateTarget = updateTarget;
        this.assignments = assignments;
        this.whereKey = whereKey;
    }

    static TableShape load(Connection replica, TableId table) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        List<Integer> writtenList = new ArrayList<>();
        List<Integer> comparable = new ArrayList<>();
        boolean identityAlways = false;
        boolean onUpdate = false;
        try (PreparedStatement ps = replica.prepareStatement(COLUMNS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                for (int position = 0; rs.next(); position++) {
                    String type = rs.getString(2);
                    names.add(rs.getString(1));
                    placeholders.add("JSON".equals(type) ? "? FORMAT JSON" : "?");
                    if (!"ALWAYS".equals(rs.getString(3))) {
                        writtenList.add(position);
                    }
                    if (!type.contains("LARGE OBJECT") && !"JSON".equals(type)) {
                        comparable.add(position);
                    }
                    identityAlways |= "ALWAYS".equals(rs.getString(4));
                    onUpdate |= rs.getString(5) != null;
                }
            }
        }
        if (names.isEmpty()) {
            throw new SQLException("Replica has no table " + table + " to apply a change to", "42S02");
        }
        List<Integer> keyList = new ArrayList<>();
        try (PreparedStatement ps = replica.prepareStatement(PRIMARY_KEY)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keyList.add(names.indexOf(rs.getString(1)));
                }
            }
        }
        int[] written = toArray(writtenList);
        boolean hasKey = !keyList.isEmpty();
        int[] key = toArray(hasKey ? keyList : comparable);

        StringBuilder insert = new StringBuilder("INSERT INTO ").append(table.quoted()).append(" (");
        StringBuilder values = new StringBuilder();
        StringBuilder set = new StringBuilder();
        String[] assignments = new String[written.length];
        for (int i = 0; i < written.length; i++) {
            String column = TableId.quote(names.get(written[i]));
            String placeholder = placeholders.get(written[i]);
            insert.append(i == 0 ? "" : ", ").append(column);
            values.append(i == 0 ? "" : ", ").append(placeholder);
            assignments[i] = column + " = " + placeholder;
            set.append(i == 0 ? "" : ", ").append(assignments[i]);
        }
        insert.append(')').append(identityAlways ? " OVERRIDING SYSTEM VALUE" : "").append(" VALUES (").append(values).append(')');

        StringBuilder where = new StringBuilder(" WHERE ");
        for (int i = 0; i < key.length; i++) {
            where.append(i == 0 ? "" : " AND ").append(TableId.quote(names.get(key[i])))
                    .append(hasKey ? " = ?" : " IS NOT DISTINCT FROM ?");
        }
        String limit = hasKey ? "" : " FETCH FIRST ROW ONLY";
        return new TableShape(written, key,
                replica.prepareStatement(insert.toString()),
                replica.prepareStatement("UPDATE " + table.quoted() + " SET " + set + where + limit),
                replica.prepareStatement("DELETE FROM " + table.quoted() + where + limit),
                // a column the replica would compute ON UPDATE must be written whenever the row is
                onUpdate ? null : replica, "UPDATE " + table.quoted() + " SET ", assignments, where + limit);
    }

    void apply(RowChange change) throws SQLException {
        switch (change.op()) {
            case INSERT -> {
                bind(insert, 1, written, change.newRow());
                insert.executeUpdate();
            }
            case UPDATE -> {
                long changed = changedColumns(change.oldRow(), change.newRow());
                if (changed == 0) {
                    return; // the row is already as it should be
                }
                if (changed == ALL_COLUMNS) {
                    bind(update, bind(update, 1, written, change.newRow()), key, change.oldRow());
                    update.executeUpdate();
                    return;
                }
                PreparedStatement ps = partialUpdate(changed);
                int index = 1;
                for (long bits = changed; bits != 0; bits &= bits - 1) {
                    bindValue(ps, index++, change.newRow()[written[Long.numberOfTrailingZeros(bits)]]);
                }
                bind(ps, index, key, change.oldRow());
                ps.executeUpdate();
            }
            case DELETE -> {
                bind(delete, 1, key, change.oldRow());
                delete.executeUpdate();
            }
        }
    }

    /**
     * The written columns (bit i for written[i]) whose value the update changed; ALL_COLUMNS when
     * all did or the table is too wide to say. A point update of one column of a wide table is then
     * applied as that, not as an update of every column.
     */
    private long changedColumns(Object[] oldRow, Object[] newRow) {
        if (replica == null || written.length >= Long.SIZE) {
            return ALL_COLUMNS;
        }
        long changed = 0;
        for (int i = 0; i < written.length; i++) {
            if (!unchanged(oldRow[written[i]], newRow[written[i]])) {
                changed |= 1L << i;
            }
        }
        return changed == (1L << written.length) - 1 ? ALL_COLUMNS : changed;
    }

    /** Only values of immutable classes whose equals is exact count as unchanged; anything else is written. */
    private static boolean unchanged(Object before, Object after) {
        if (before == after) {
            return true;
        }
        if (before == null || after == null || before.getClass() != after.getClass()) {
            return false;
        }
        Class<?> type = before.getClass();
        if (type == String.class || type == Integer.class || type == Long.class || type == Boolean.class
                || type == Short.class || type == Byte.class) {
            return before.equals(after);
        }
        return type == byte[].class && Arrays.equals((byte[]) before, (byte[]) after);
    }

    private PreparedStatement partialUpdate(long changed) throws SQLException {
        PreparedStatement ps = partialUpdates.get(changed);
        if (ps == null) {
            StringBuilder sql = new StringBuilder(updateTarget);
            String separator = "";
            for (long bits = changed; bits != 0; bits &= bits - 1) {
                sql.append(separator).append(assignments[Long.numberOfTrailingZeros(bits)]);
                separator = ", ";
            }
            ps = replica.prepareStatement(sql.append(whereKey).toString());
            partialUpdates.put(changed, ps);
        }
        return ps;
    }

    void close() {
        partialUpdates.values().forEach(TableShape::closeQuietly);
        partialUpdates.clear();
        for (PreparedStatement ps : new PreparedStatement[] {insert, update, delete}) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection is going away
            }
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // the connection is going away
        }
    }

    private static int bind(PreparedStatement ps, int first, int[] positions, Object[] row) throws SQLException {
        int index = first;
        for (int position : positions) {
            bindValue(ps, index++, row[position]);
        }
        return index;
    }

    /** The typed setter for the common classes skips H2's conversion chain; the Value made is the same. */
    private static void bindValue(PreparedStatement ps, int index, Object value) throws SQLException {
        Class<?> type = value == null ? null : value.getClass();
        if (type == String.class) {
            ps.setString(index, (String) value);
        } else if (type == Integer.class) {
            ps.setInt(index, (Integer) value);
        } else if (type == Long.class) {
            ps.setLong(index, (Long) value);
        } else {
            ps.setObject(index, value);
        }
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
