package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a replica's sequence and identity counters where the primary's are, so that a promoted
 * replica hands out no value the old primary already gave. Rows carry the values themselves; the
 * counters are copied from the primary's INFORMATION_SCHEMA (the next value each would give) and
 * restarted on the replica where they differ. A counter copied a little ahead of the replica's
 * data only leaves a gap, which sequences allow.
 */
public final class SequenceSync {

    private static final String SEQUENCES = "SELECT SEQUENCE_SCHEMA, SEQUENCE_NAME, BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES "
            + "WHERE SEQUENCE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'LATTICE')";
    private static final String IDENTITIES_FROM = " FROM INFORMATION_SCHEMA.COLUMNS WHERE IS_IDENTITY = 'YES' "
            + "AND TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'LATTICE')";

    private SequenceSync() {
    }

    /** The next value of every sequence and identity column, keyed by the statement that restarts it. */
    public static Map<String, Long> read(Connection c) throws SQLException {
        return read(c, identityTables(c));
    }

    /**
     * The tables with an identity column. Reading them once per schema change, and each table's
     * counters by name, spares the search of every column of every table (a costly view in H2).
     */
    public static Set<TableId> identityTables(Connection c) throws SQLException {
        Set<TableId> tables = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME" + IDENTITIES_FROM)) {
            while (rs.next()) {
                tables.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return tables;
    }

    /** As {@link #read(Connection)}, for the identity columns of the given tables only. */
    public static Map<String, Long> read(Connection c, Set<TableId> identityTables) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SEQUENCES)) {
            while (rs.next()) {
                out.put("ALTER SEQUENCE " + TableId.quote(rs.getString(1)) + "." + TableId.quote(rs.getString(2))
                        + " RESTART WITH ", rs.getLong(3));
            }
        }
        if (!identityTables.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, IDENTITY_BASE" + IDENTITIES_FROM
                    + " AND TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
                for (TableId table : identityTables) {
                    ps.setString(1, table.schema());
                    ps.setString(2, table.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put("ALTER TABLE " + table.quoted() + " ALTER COLUMN " + TableId.quote(rs.getString(1))
                                    + " RESTART WITH ", rs.getLong(2));
                        }
                    }
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return out;
    }

    /**
     * Restarts the replica's counters that differ from the primary's; returns how many. Runs
     * between transactions: H2 commits a restart as it runs, and running it again is harmless.
     */
    public static int copy(Map<String, Long> primary, Connection replica, Set<TableId> identityTables)
            throws SQLException {
        Map<String, Long> here = read(replica, identityTables);
        int n = 0;
        try (Statement s = replica.createStatement()) {
            for (Map.Entry<String, Long> e : primary.entrySet()) {
                Long value = here.get(e.getKey());
                if (value != null && value.longValue() != e.getValue()) {
                    s.execute(e.getKey() + e.getValue());
                    n++;
                }
            }
        }
        if (!replica.getAutoCommit()) {
            replica.commit();
        }
        return n;
    }

    /**
     * On a replica about to lead: every identity column's counter moves past the largest value its
     * table holds, in case the last counters copied from the old primary were older than its rows.
     */
    public static void pastEveryRow(Connection c) throws SQLException {
        Map<String, String> columns = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, IDENTITY_BASE, IDENTITY_INCREMENT "
                     + "FROM INFORMATION_SCHEMA.COLUMNS WHERE IS_IDENTITY = 'YES' "
                     + "AND TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'LATTICE')")) {
            while (rs.next()) {
                if (rs.getLong(5) > 0) {
                    String table = TableId.quote(rs.getString(1)) + "." + TableId.quote(rs.getString(2));
                    columns.put(table + "\u0000" + TableId.quote(rs.getString(3)), String.valueOf(rs.getLong(4)));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (Map.Entry<String, String> e : columns.entrySet()) {
                String[] parts = e.getKey().split("\u0000");
                long base = Long.parseLong(e.getValue());
                try (ResultSet rs = s.executeQuery("SELECT MAX(" + parts[1] + ") FROM " + parts[0])) {
                    rs.next();
                    long max = rs.getLong(1);
                    if (!rs.wasNull() && max >= base) {
                        s.execute("ALTER TABLE " + parts[0] + " ALTER COLUMN " + parts[1] + " RESTART WITH " + (max + 1));
                    }
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
