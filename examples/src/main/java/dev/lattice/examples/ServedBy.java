package dev.lattice.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which kind of node served the reads of one consistency level, told from {@code SHOW STATS}:
 * Lattice counts every routed read per level, so the difference between two looks names the
 * node kind (and whether the read had to wait for a replica, or fell back to the primary).
 */
final class ServedBy {

    /** The reads of one level between two looks at SHOW STATS. */
    record Reads(long primary, long replica, long waits, double waitMillis, long fallbacks, long errors) {

        /** "a replica", "the primary (no replica caught up in time)", ... */
        String describe() {
            if (primary + replica == 0) {
                return errors > 0 ? "no node (the read failed)" : "no routed read";
            }
            String kind;
            if (primary == 0) {
                kind = replica == 1 ? "a replica" : replica + " replica reads";
            } else if (replica == 0) {
                kind = primary == 1 ? "the primary" : primary + " primary reads";
            } else {
                kind = replica + " replica reads and " + primary + " primary reads";
            }
            if (fallbacks > 0) {
                return kind + " (no replica caught up within the timeout: fell back after "
                        + Math.round(waitMillis) + " ms)";
            }
            if (waits > 0) {
                return kind + " (after waiting " + Math.round(waitMillis) + " ms for a replica to catch up)";
            }
            return kind;
        }
    }

    private final Connection connection;
    private final String level;
    private double[] last;

    private ServedBy(Connection connection, String level) throws SQLException {
        this.connection = connection;
        this.level = level;
        this.last = counters();
    }

    /** Starts watching the reads of a level (as SHOW STATS names it, e.g. "CAUSAL") cluster-wide. */
    static ServedBy watch(Connection connection, String level) throws SQLException {
        return new ServedBy(connection, level.trim().split("\\s+")[0].toUpperCase());
    }

    /** The reads of the level since the previous call (or since watching began). */
    Reads next() throws SQLException {
        double[] now = counters();
        double[] was = last;
        last = now;
        return new Reads((long) (now[0] - was[0]), (long) (now[1] - was[1]), (long) (now[2] - was[2]),
                now[3] - was[3], (long) (now[4] - was[4]), (long) (now[5] - was[5]));
    }

    private double[] counters() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                if (rs.getString("LEVEL").equals(level)) {
                    return new double[] {rs.getLong("PRIMARY_READS"), rs.getLong("REPLICA_READS"),
                        rs.getLong("WAITS"), rs.getDouble("WAIT_MS"), rs.getLong("FALLBACKS"), rs.getLong("ERRORS")};
                }
            }
        }
        throw new SQLException("SHOW STATS has no row for level " + level);
    }
}
