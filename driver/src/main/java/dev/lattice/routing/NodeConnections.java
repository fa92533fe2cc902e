package dev.lattice.routing;

import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.PrimaryLink;
import dev.lattice.backend.PrimaryTransaction;
import dev.lattice.cluster.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's connections, one per node, opened on first use: index 0 is the current primary (in
 * manual commit, set up by the session's primary transaction), i the i-th replica (autocommit,
 * read-only). Session settings (SET ...) are replayed on every connection, including ones opened
 * later. When the cluster's primary changes (a PostgreSQL failover), the next use of index 0
 * connects to the new one.
 */
final class NodeConnections implements PrimaryLink, AutoCloseable {

    private final ClusterBackend backend;
    private final Connection[] open;
    private final Node[] openedOn;
    private final List<String> settings = new ArrayList<>();
    /**
     * Per replica connection, the replica's applied LSN when a session setting failed on it (it
     * had not yet applied the schema SET SCHEMA names, say), else -1: such a connection answers
     * without the setting, so it serves the session's reads only once a replay takes.
     */
    private final long[] settingFailedAt;
    private PrimaryTransaction transaction;
    /** The epoch the primary connection was opened in, read before the primary was looked up. */
    private long primaryEpoch;

    NodeConnections(ClusterBackend backend) {
        this.backend = backend;
        this.open = new Connection[backend.replicas().size() + 1];
        this.openedOn = new Node[open.length];
        this.settingFailedAt = new long[open.length];
        java.util.Arrays.fill(settingFailedAt, -1);
    }

    /** The session's primary transaction, told when a primary connection opens and closes. */
    void attach(PrimaryTransaction transaction) {
        this.transaction = transaction;
    }

    Node node(int index) throws SQLException {
        return index == 0 ? backend.primary() : backend.replicas().get(index - 1).node();
    }

    @Override
    public Connection get() throws SQLException {
        return get(0);
    }

    @Override
    public Connection ifOpen() {
        return open[0];
    }

    @Override
    public void reset() {
        drop(0);
    }

    Connection get(int index) throws SQLException {
        Connection c = open[index];
        if (c != null && (index > 0 || openedOn[0] == backend.primary()) && !c.isClosed()) {
            return c;
        }
        if (c != null) {
            drop(index); // broken, or the primary moved: it reaches a node that is no longer the primary
        }
        long epoch = backend.epoch(); // before the lookup: a failover in between makes it older, never newer
        Node node = node(index);
        c = openNode(node, index);
        open[index] = c;
        openedOn[index] = node;
        if (index == 0) {
            primaryEpoch = epoch;
        }
        return c;
    }

    /**
     * The epoch in which the node the primary connection reaches was the primary: what a commit on
     * that connection belongs to, however late the session learns of a failover since.
     */
    long primaryEpoch() {
        return primaryEpoch;
    }

    /** The connection if it is open, else null. */
    Connection ifOpen(int index) {
        return open[index];
    }

    private Connection openNode(Node node, int index) throws SQLException {
        long applied = index == 0 ? 0 : backend.replicas().get(index - 1).applied();
        Connection c = node.connect();
        try {
            if (index == 0) {
                transaction.connected(c);
            }
            for (String setting : settings) {
                if (!replay(c, setting, index == 0)) {
                    settingFailedAt[index] = applied;
                }
            }
            if (index == 0) {
                c.setAutoCommit(false);
                transaction.opened(c);
            } else {
                backend.openedReplica(c);
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
                long applied = backend.replicas().get(i - 1).applied();
                if (!replay(open[i], sql, false)) {
                    settingFailedAt[i] = applied;
                }
            }
        }
        settings.add(sql);
    }

    /**
     * Whether the session's settings all hold on replica {@code index}'s connection. One that failed
     * there is replayed, on a new connection, once the replica has applied more since.
     */
    boolean settingsHold(int index) throws SQLException {
        long failedAt = settingFailedAt[index];
        if (failedAt < 0) {
            return true;
        }
        if (backend.replicas().get(index - 1).applied() == failedAt) {
            return false;
        }
        drop(index);
        get(index);
        return settingFailedAt[index] < 0;
    }

    /**
     * Whether the setting took. One that fails on a replica is not the session's error: it has taken
     * effect on the primary (see {@link #settingsHold}).
     */
    private static boolean replay(Connection c, String sql, boolean mustSucceed) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return true;
        } catch (SQLException e) {
            if (mustSucceed) {
                throw e;
            }
            return false;
        }
    }

    /** Forgets a broken connection; the next use opens a new one. */
    void drop(int index) {
        Connection c = open[index];
        open[index] = null;
        openedOn[index] = null;
        settingFailedAt[index] = -1;
        if (c != null) {
            if (index == 0) {
                transaction.closing(c);
            }
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // it is broken already, or its pool closed with the cluster (HikariCP then throws NPE)
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < open.length; i++) {
            if (!settings.isEmpty()) {
                resetSettings(open[i]);
            }
            drop(i);
        }
    }

    /**
     * A pooled PostgreSQL connection goes back to its pool with the server's defaults, so the
     * session's SETs (search_path, TimeZone, ...) never reach the next session that borrows it.
     */
    private static void resetSettings(Connection c) {
        try {
            if (c == null || c.isClosed() || !c.isWrapperFor(org.postgresql.PGConnection.class)) {
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            try (Statement s = c.createStatement()) {
                s.execute("RESET ALL");
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException ignored) {
            // a broken connection is evicted by its pool
        }
    }
}
