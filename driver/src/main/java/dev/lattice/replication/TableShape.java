package dev.lattice.replication;

import dev.lattice.cluster.NodeValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A replica table's columns as the applier needs them: which positions of a captured row it
 * writes (generated columns are computed by H2 itself), which form the primary key, and the
 * INSERT, UPDATE and DELETE statements that install a captured row change: how a table that
 * {@link DirectApply} cannot write is applied.
 */
final class TableShape implements TableApply {

    private static final String COLUMNS = "SELECT COLUMN_NAME, DATA_TYPE, IS_GENERATED, IDENTITY_GENERATION "
            + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
    private static final String PRIMARY_KEY = "SELECT K.COLUMN_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS C "
            + "JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE K ON K.CONSTRAINT_SCHEMA = C.CONSTRAINT_SCHEMA "
            + "AND K.CONSTRAINT_NAME = C.CONSTRAINT_NAME WHERE C.TABLE_SCHEMA = ? AND C.TABLE_NAME = ? "
            + "AND C.CONSTRAINT_TYPE = 'PRIMARY KEY' ORDER BY K.ORDINAL_POSITION";

    private static final String TRIGGERS = "SELECT DISTINCT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS "
            + "WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND EVENT_MANIPULATION <> 'SELECT' "
            + "AND JAVA_CLASS IS DISTINCT FROM '" + TriggerInstaller.TRIGGER_CLASS + "' ORDER BY TRIGGER_NAME";

    /** Tests only: false applies a table with triggers with SQL all the same, as before the check. */
    static volatile boolean refusesTriggers = true;

    /** Tests only: false applies an UPDATE that finds no row in silence, as before the check. */
    static volatile boolean checksRows = true;

    private final int[] written;
    private final int[] key;
    private final TableId table;
    private final boolean keyed;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;

    private TableShape(TableId table, boolean keyed, int[] written, int[] key, PreparedStatement insert,
                       PreparedStatement update, PreparedStatement delete) {
        this.table = table;
        this.keyed = keyed;
        this.written = written;
        this.key = key;
        this.insert = insert;
        this.update = update;
        this.delete = delete;
    }

    /**
     * Reads the table's columns on catalog and prepares the statements on replica (two
     * connections to it: see ReplicaApplier's catalog).
     */
    static TableShape load(Connection replica, Connection catalog, TableId table) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        List<Integer> writtenList = new ArrayList<>();
        boolean identityAlways = false;
        try (PreparedStatement ps = catalog.prepareStatement(COLUMNS)) {
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
                    identityAlways |= "ALWAYS".equals(rs.getString(4));
                }
            }
        }
        if (names.isEmpty()) {
            throw new SQLException("Replica has no table " + table + " to apply a change to", "42S02");
        }
        if (refusesTriggers) {
            refuseTriggers(catalog, table);
        }
        List<Integer> keyList = new ArrayList<>();
        try (PreparedStatement ps = catalog.prepareStatement(PRIMARY_KEY)) {
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
        // without a primary key a row is found by all its values: H2 compares LOBs and JSON too
        int[] key = hasKey ? toArray(keyList) : IntStream.range(0, names.size()).toArray();

        StringBuilder insert = new StringBuilder("INSERT INTO ").append(table.quoted()).append(" (");
        StringBuilder values = new StringBuilder();
        StringBuilder set = new StringBuilder();
        for (int i = 0; i < written.length; i++) {
            String column = TableId.quote(names.get(written[i]));
            String placeholder = placeholders.get(written[i]);
            insert.append(i == 0 ? "" : ", ").append(column);
            values.append(i == 0 ? "" : ", ").append(placeholder);
            set.append(i == 0 ? "" : ", ").append(column).append(" = ").append(placeholder);
        }
        insert.append(')').append(identityAlways ? " OVERRIDING SYSTEM VALUE" : "").append(" VALUES (").append(values).append(')');

        StringBuilder where = new StringBuilder(" WHERE ");
        for (int i = 0; i < key.length; i++) {
            where.append(i == 0 ? "" : " AND ").append(TableId.quote(names.get(key[i])))
                    .append(hasKey ? " = " : " IS NOT DISTINCT FROM ").append(placeholders.get(key[i]));
        }
        String limit = hasKey ? "" : " FETCH FIRST ROW ONLY";
        return new TableShape(table, hasKey, written, key,
                replica.prepareStatement(insert.toString()),
                replica.prepareStatement("UPDATE " + table.quoted() + " SET " + set + where + limit),
                replica.prepareStatement("DELETE FROM " + table.quoted() + where + limit));
    }

    /**
     * A table with triggers of its own cannot be applied with SQL: they would run again on the
     * replica and make their changes a second time there, beside the ones the log brings from the
     * primary. The replica stops applying (FAILED in SHOW REPLICAS) rather than diverge.
     */
    private static void refuseTriggers(Connection catalog, TableId table) throws SQLException {
        List<String> triggers = new ArrayList<>();
        try (PreparedStatement ps = catalog.prepareStatement(TRIGGERS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    triggers.add(rs.getString(1));
                }
            }
        }
        if (!triggers.isEmpty()) {
            throw new SQLException("Replica cannot apply " + table + " with SQL: its triggers " + triggers + " would run "
                    + "again there and repeat what they did on the primary. A replica in another process applies it "
                    + "below SQL when its H2 server has the Lattice driver jar on its classpath", "0A000");
        }
    }

    @Override
    public boolean current() {
        return true; // H2 prepares a statement again when the schema changed under it
    }

    @Override
    public void apply(RowChange change) throws SQLException {
        switch (change.op()) {
            case INSERT -> {
                bind(insert, 1, written, change.newRow());
                insert.executeUpdate();
            }
            case UPDATE -> {
                bind(update, bind(update, 1, written, change.newRow()), key, change.oldRow());
                // By its primary key the row is there exactly once, unless the replica holds other rows
                // than the primary did. (A DELETE may find none: a cascade on the replica took it first.)
                if (update.executeUpdate() != 1 && keyed && checksRows) {
                    throw new ReplicaDiverged("the row of " + table + " an UPDATE changes is not on the replica");
                }
            }
            case DELETE -> {
                bind(delete, 1, key, change.oldRow());
                delete.executeUpdate();
            }
        }
    }

    @Override
    public void close() {
        for (PreparedStatement ps : new PreparedStatement[] {insert, update, delete}) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection is going away
            }
        }
    }

    private static int bind(PreparedStatement ps, int first, int[] positions, Object[] row) throws SQLException {
        int index = first;
        for (int position : positions) {
            NodeValues.set(ps, index++, row[position]);
        }
        return index;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
