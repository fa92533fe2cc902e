package dev.lattice.backend.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's epochs, kept on the primary in {@code LATTICE.EPOCH}: a row per promotion with the
 * epoch it began and the last LSN of the earlier history it kept. A primary started again after a
 * promotion continues its log from there.
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

    /** Writes the whole history of forks onto a new primary. */
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
