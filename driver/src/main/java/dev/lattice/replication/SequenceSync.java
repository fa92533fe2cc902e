package dev.lattice.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

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
    private static final String IDENTITIES = "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, IDENTITY_BASE "
            + "FROM INFORMATION_SCHEMA.COLUMNS WHERE IS_IDENTITY = 'YES' "
            + "AND TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'LATTICE')";

    private SequenceSync() {
    }

    /** The next value of every sequence and identity column, keyed by the statement that restarts it. */
    public static Map<String, Long> read(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(SEQUENCES)) {
                while (rs.next()) {
                    out.put("ALTER SEQUENCE " + TableId.quote(rs.getString(1)) + "." + TableId.quote(rs.getString(2))
                            + " RESTART WITH ", rs.getLong(3));
                }
            }
            try (ResultSet rs = s.executeQuery(IDENTITIES)) {
                while (rs.next()) {
                    out.put("ALTER TABLE " + TableId.quote(rs.getString(1)) + "." + TableId.quote(rs.getString(2))
                            + " ALTER COLUMN " + TableId.quote(rs.getString(3)) + " RESTART WITH ", rs.getLong(4));
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
    public static int copy(Map<String, Long> primary, Connection replica) throws SQLException {
        Map<String, Long> here = read(replica);
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
