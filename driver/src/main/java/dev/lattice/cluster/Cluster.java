package dev.lattice.cluster;

import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.ReplicaNode;
import dev.lattice.backend.h2.H2Backend;
import dev.lattice.backend.postgres.PgBackend;
import dev.lattice.locking.LockElision;
import dev.lattice.locking.LockManager;
import dev.lattice.locking.PrimaryKeys;
import dev.lattice.routing.CausalPosition;
import dev.lattice.routing.RoutingStats;
import java.sql.SQLException;
import java.util.List;

/**
 * A running cluster and the routing state every session on it in this JVM shares: the counters of
 * SHOW STATS, the shared causal position, the lock manager. What keeps the replicas in step is its
 * backend: Lattice's own log for H2 nodes, PostgreSQL's streaming replication for PostgreSQL nodes.
 */
public final class Cluster implements AutoCloseable {

    private final ClusterConfig config;
    private final ClusterBackend backend;
    private final RoutingStats routingStats = new RoutingStats();
    private final CausalPosition sharedPosition = new CausalPosition();
    private final LockManager lockManager = new LockManager();
    private final LockElision lockElision = new LockElision();
    private final PrimaryKeys primaryKeys = new PrimaryKeys();

    private Cluster(ClusterConfig config, ClusterBackend backend) {
        this.config = config;
        this.backend = backend;
    }

    /** Starts the cluster's backend: H2 nodes (with Lattice's log and appliers) or PostgreSQL nodes. */
    public static Cluster start(ClusterConfig config) throws SQLException {
        ClusterBackend backend = config.postgres() ? PgBackend.start(config) : H2Backend.start(config);
        return new Cluster(config, backend);
    }

    public ClusterConfig config() {
        return config;
    }

    public ClusterBackend backend() {
        return backend;
    }

    /** The H2 backend, for what only an H2 cluster has (its log, appliers and schema gate). */
    public H2Backend h2() {
        if (backend instanceof H2Backend h2) {
            return h2;
        }
        throw new IllegalStateException("not an H2 cluster: " + config.key());
    }

    /** The cluster's identity, which consistency tokens carry. */
    public String id() {
        return backend.id();
    }

    /** The primary now; fails with 08006 when no primary is reachable. */
    public Node primary() throws SQLException {
        return backend.primary();
    }

    public List<? extends ReplicaNode> replicas() {
        return backend.replicas();
    }

    /** The replica with this name (case-insensitive), or null. */
    public ReplicaNode replica(String name) {
        for (ReplicaNode r : backend.replicas()) {
            if (r.node().name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        return null;
    }

    /** C: the position of the newest committed transaction the router knows of. */
    public long committedLsn() {
        return backend.committedLsn();
    }

    /** The SHOW STATS counters. */
    public RoutingStats routingStats() {
        return routingStats;
    }

    /** W and T shared by every connection opened with sessionScope=shared. */
    public CausalPosition sharedPosition() {
        return sharedPosition;
    }

    /** The two-phase-locking manager of SERIALIZABLE transactions and of every write (H2 clusters). */
    public LockManager lockManager() {
        return lockManager;
    }

    public LockElision lockElision() {
        return lockElision;
    }

    public PrimaryKeys primaryKeys() {
        return primaryKeys;
    }

    /** The error for ALTER REPLICA of a name the cluster does not have, listing the names it has. */
    public static SQLException unknownReplica(String name, List<? extends ReplicaNode> replicas) {
        StringBuilder names = new StringBuilder();
        for (ReplicaNode each : replicas) {
            names.append(names.length() == 0 ? "" : ", ").append(each.node().name());
        }
        return new SQLException("Unknown replica '" + name + "': the replicas are "
                + (names.length() == 0 ? "(none)" : names), "42704");
    }

    @Override
    public void close() {
        backend.close();
    }
}
