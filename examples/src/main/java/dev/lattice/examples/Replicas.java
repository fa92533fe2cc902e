package dev.lattice.examples;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.cluster.Node;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.replication.ReplicaApplier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/** A look at the cluster behind a connection: each replica's applied LSN and lag, and waiting for one. */
final class Replicas {

    /** How long an example waits for a replica to apply what it needs before giving up. */
    private static final long DEADLINE_SECONDS = 10;

    private Replicas() {
    }

    static Cluster cluster(Connection c) throws SQLException {
        return c.unwrap(LatticeConnection.class).cluster();
    }

    /** The primary's highest committed LSN. */
    static long committed(Connection c) throws SQLException {
        return cluster(c).committedLsn();
    }

    /** Waits (up to a deadline, never a fixed sleep) until the replica has applied the LSN. */
    static void awaitApplied(Connection c, String replica, long lsn) throws SQLException {
        ReplicaApplier applier = cluster(c).h2().replica(replica).applier();
        try {
            if (!applier.awaitApplied(lsn, TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS))) {
                throw new IllegalStateException(replica + " did not apply LSN " + lsn + " within "
                        + DEADLINE_SECONDS + " s: " + lag(c));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every replica has applied everything committed so far. */
    static void awaitAllCaughtUp(Connection c) throws SQLException {
        long lsn = committed(c);
        for (Replica r : cluster(c).h2().replicas()) {
            awaitApplied(c, r.node().name(), lsn);
        }
    }

    /** "primary at LSN 9; replica1 applied 5 (4 behind, 130 ms, PAUSED), replica2 applied 9 (caught up)". */
    static String lag(Connection c) throws SQLException {
        Cluster cluster = cluster(c);
        long committed = cluster.committedLsn();
        StringJoiner out = new StringJoiner(", ", "primary at LSN " + committed + "; ", "");
        for (Replica r : cluster.h2().replicas()) {
            ReplicaApplier a = r.applier();
            long behind = committed - a.applied();
            String state = a.state().name().equals("ONLINE") ? "" : ", " + a.state();
            out.add(r.node().name() + " applied " + a.applied()
                    + (behind <= 0 ? " (caught up" + state + ")" : " (" + behind + " behind, " + a.lagMillis() + " ms" + state + ")"));
        }
        return out.toString();
    }

    /**
     * The first column of the first row of a query, asked of every node directly (not through
     * Lattice), by node name: how to check that the replicas hold what the primary holds.
     */
    static Map<String, String> onEveryNode(Connection c, String sql) throws SQLException {
        Cluster cluster = cluster(c);
        Map<String, String> values = new LinkedHashMap<>();
        values.put(cluster.primary().name(), queryDirect(cluster.primary(), sql));
        for (Replica r : cluster.h2().replicas()) {
            values.put(r.node().name(), queryDirect(r.node(), sql));
        }
        return values;
    }

    private static String queryDirect(Node node, String sql) throws SQLException {
        try (Connection direct = node.connectDirect(); Statement s = direct.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Stops the cluster behind the connection (examples use one cluster each). */
    static void shutdown(Connection c) throws SQLException {
        ClusterRegistry.shutdown(cluster(c).config().key());
    }
}
