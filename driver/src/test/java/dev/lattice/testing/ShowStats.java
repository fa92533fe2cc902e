package dev.lattice.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One counter of SHOW STATS: a level's row, a column such as WAITS or REPLICA_READS. */
public final class ShowStats {

    private ShowStats() {
    }

    public static long count(Statement s, String level, String column) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                if (rs.getString("LEVEL").equals(level)) {
                    return rs.getLong(column);
                }
            }
        }
        throw new AssertionError("no SHOW STATS row for " + level);
    }

    public static long count(Connection c, String level, String column) throws SQLException {
        try (Statement s = c.createStatement()) {
            return count(s, level, column);
        }
    }
}
