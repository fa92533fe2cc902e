package dev.lattice.routing;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.Node;
import dev.lattice.replication.CaptureRegistry;
import dev.lattice.replication.CaptureTable;
import dev.lattice.replication.ChangeCapture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's H2 connections, one per node, opened on first use. The primary's is in manual
 * commit with its row changes captured; replicas' are in autocommit. Session settings (SET ...)
 * are replayed on every connection, including ones opened later.
 */
final class NodeConnections implements AutoCloseable {

    private final Cluster cluster;
    private final Connection[] open;
    private final ChangeCapture capture;
    private final List<String> settings = new ArrayList<>();

    NodeConnections(Cluster cluster, ChangeCapture capture) {
        this.cluster = cluster;
        this.open = new Connection[cluster.replicas().size() + 1];
        this.capture = capture;
    }

    Node node(int index) {
        return index == 0 ? cluster.primary() : cluster.replicas().get(index - 1).node();
    }

    Connection get(int index) throws SQLException {
        Connection c = open[index];
        if (c == null) {
            c = openNode(index);
            open[index] = c;
        }
        return c;
    }

    /** The connection if it is open, else null. */
    Connection ifOpen(int index) {
        return open[index];
    }

    private Connection openNode(int index) throws SQLException {
        Connection c = node(index).connect();
        try {
            for (String setting : settings) {
                replay(c, setting, index == 0);
            }
            if (index == 0) {
                c.setAutoCommit(false);
                if (node(index).embedded()) {
                    CaptureRegistry.register(c, capture);
                } else {
                    CaptureTable.mark(c);
                }
            } else {
                c.setAutoCommit(true);
                c.setReadOnly(true);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Runs a session setting on the primary (where its errors count) and every open replica. */
    void applySetting(String sql) throws SQLException {
        replay(get(0), sql, true);
        for (int i = 1; i < open.length; i++) {
            if (open[i] != null) {
                replay(open[i], sql, false);
            }
        }
        settings.add(sql);
    }

    /**
     * A setting that fails on a replica (a database-wide H2 setting a read-only connection may
     * not change, say) is skipped there: it has already taken effect where writes happen.
     */
    private static void replay(Connection c, String sql, boolean mustSucceed) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            if (mustSucceed) {
                throw e;
            }
        }
    }

    /** Forgets a broken connection; the next use opens a new one. */
    void drop(int index) {
        Connection c = open[index];
        open[index] = null;
        if (c != null) {
            if (index == 0) {
                CaptureRegistry.unregister(c);
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < open.length; i++) {
            drop(i);
        }
    }
}
