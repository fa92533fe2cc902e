package dev.lattice.backend.h2;

import dev.lattice.cluster.Node;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.backend.ReplicaRows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.h2.tools.SimpleResultSet;

/** SHOW REPLICAS and ALTER REPLICA over an H2 cluster: its nodes as figures, and lag injection for tests and drills. */
final class ReplicaAdmin {

    private ReplicaAdmin() {
    }

    /**
     * A row per node: name, role, url, state, applied_lsn, lag_lsn, lag_ms, in_sync_set, delay_ms,
     * rebuilds; then, on the primary's row only, the cluster's epoch and the commits backpressure
     * held back (throttled_commits, throttle_wait_ms).
     */
    static ResultSet showReplicas(H2Backend cluster) {
        SimpleResultSet rs = ReplicaRows.columns();
        rs.addColumn("REBUILDS", Types.VARCHAR, 256, 0); // rebuilds from a snapshot by cause, e.g. "INITIAL=1"
        rs.addColumn("EPOCH", Types.BIGINT, 19, 0);
        rs.addColumn("THROTTLED_COMMITS", Types.BIGINT, 19, 0);
        rs.addColumn("THROTTLE_WAIT_MS", Types.BIGINT, 19, 0);
        long committed = cluster.committedLsn();
        Node primary = cluster.primaryNode();
        Backpressure bp = cluster.backpressure();
        rs.addRow(primary.name(), "PRIMARY", primary.safeUrl(), cluster.health().state().name(), committed, 0L, 0L,
                null, 0L, null, cluster.epoch(), bp.throttledCommits(), bp.throttleWaitMillis());
        for (Node former : cluster.formerPrimaries()) {
            rs.addRow(former.name(), "FORMER_PRIMARY", former.safeUrl(), "FENCED", null, null, null, false, 0L, null,
                    null, null, null);
        }
        for (Replica r : cluster.replicas()) {
            ReplicaApplier a = r.applier();
            long applied = a.applied();
            boolean known = a.state().readable() && applied >= 0;
            rs.addRow(r.node().name(), r.node().role().name(), r.node().url(), a.reportedState().name(),
                    applied < 0 ? null : applied,
                    known ? Math.max(0, committed - applied) : null,
                    known ? a.lagMillis() : null,
                    a.inSyncSet(), a.delayMillis(), a.rebuildsByCause().toString().replaceAll("[{}]", ""),
                    null, null, null);
        }
        return rs;
    }

    static void setDelay(H2Backend cluster, String name, long millis) throws SQLException {
        replica(cluster, name).applier().setDelayMillis(millis);
    }

    static void setPaused(H2Backend cluster, String name, boolean paused) throws SQLException {
        replica(cluster, name).applier().setPaused(paused);
    }

    private static Replica replica(H2Backend cluster, String name) throws SQLException {
        Replica r = cluster.replica(name);
        if (r == null) {
            throw dev.lattice.cluster.Cluster.unknownReplica(name, cluster.replicas());
        }
        return r;
    }
}
