package dev.lattice.backend.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import dev.lattice.cluster.Node;

/**
 * The cluster's epochs, kept on the primary in {@code LATTICE.EPOCH}: a row per promotion with the
 * epoch it began and the last LSN of the earlier history it kept. A primary started again after a
 * promotion continues its log from there. The replicas that follow a promoted primary get the same
 * rows, so that a router started later with a URL that still names the former primary finds a
 * node of a later epoch and refuses to start instead of writing on the former primary.
 */
final class Epochs {

    private Epochs() {
    }

    /** The fork LSNs, epoch 2 first; empty for a cluster that never promoted a replica. */
    static List<Long> read(Connection c) throws SQLException {
        List<Long> forks = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
            s.execute("CREATE TABLE IF NOT EXISTS LATTICE.EPOCH(EPOCH BIGINT PRIMARY KEY, FORK_LSN BIGINT NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT FORK_LSN FROM LATTICE.EPOCH ORDER BY EPOCH")) {
                while (rs.next()) {
                    forks.add(rs.getLong(1));
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return forks;
    }

    /** The fork LSNs a node holds, without creating anything on it (a replica that never followed a promotion has none). */
    static List<Long> peek(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                     + "WHERE UPPER(TABLE_SCHEMA) = 'LATTICE' AND UPPER(TABLE_NAME) = 'EPOCH'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return List.of();
            }
        }
        return read(c);
    }

    /**
     * Refuses to start when a replica has seen a later epoch than the configured primary: that
     * primary is a former one, fenced by a promotion this router was not there to see.
     */
    static void refuseFormerPrimary(String primaryUrl, int primaryEpoch, List<Node> replicas) throws SQLException {
        for (Node replica : replicas) {
            List<Long> forks;
            try (Connection c = replica.connectDirect()) {
                forks = peek(c);
            } catch (SQLException e) {
                continue; // an unreachable replica is judged when it comes back, by its applied LSN
            }
            if (forks.size() + 1 > primaryEpoch) {
                throw new SQLException("Lattice refuses to start: " + replica.safeUrl() + " has seen epoch "
                        + (forks.size() + 1) + " of this cluster, but the primary named in the URL, " + primaryUrl
                        + ", is at epoch " + primaryEpoch + ": a replica was promoted (ALTER CLUSTER PROMOTE) and it "
                        + "is a former primary. Name the promoted node as the primary (SHOW REPLICAS on the router "
                        + "that promoted it, or the node whose LATTICE.EPOCH is longest), and empty the former "
                        + "primary before using it again as a replica", "08004");
            }
        }
    }

    /** Writes the whole history of forks onto a new primary, or onto a replica that follows it. */
    static void write(Connection c, List<Long> forks) throws SQLException {
        read(c);
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM LATTICE.EPOCH");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO LATTICE.EPOCH VALUES (?, ?)")) {
            for (int i = 0; i < forks.size(); i++) {
                ps.setLong(1, i + 2);
                ps.setLong(2, forks.get(i));
                ps.executeUpdate();
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
