package dev.lattice.backend.postgres;

import dev.lattice.backend.ReplicaNode;
import dev.lattice.backend.SyncSetMembership;
import dev.lattice.cluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL hot standby as a replica of the router: its replay position, as a position of the
 * cluster's current history, and its place in STRONG's synchronous set. A standby on an older
 * timeline counts only while it has replayed no further than where the current timeline forked.
 */
final class Standby implements ReplicaNode {

    private final PgNode node;
    private final PgBackend backend;
    private final SyncSetMembership syncSet;

    Standby(PgNode node, PgBackend backend) {
        this.node = node;
        this.backend = backend;
        this.syncSet = new SyncSetMembership(backend.progress(), backend::committedLsn);
    }

    PgNode pgNode() {
        return node;
    }

    @Override
    public Node node() {
        return node.node();
    }

    @Override
    public boolean readable() {
        return applied() >= 0;
    }

    /** Replaying as it should: readable, neither paused nor given an apply delay (a wait for it is short). */
    @Override
    public boolean catchingUp() {
        PgNode.Seen s = node.seen();
        return applied(s) >= 0 && !s.paused() && StandbyAdmin.delayMillis(s.delay()) == 0;
    }

    @Override
    public long applied() {
        return applied(node.seen());
    }

    private long applied(PgNode.Seen s) {
        if (!s.reachable() || !s.inRecovery()) {
            return -1;
        }
        return backend.inCurrentHistory(s.timeline(), s.position());
    }

    @Override
    public long appliedUpperBound() {
        return -1;
    }

    /** On the session's own connection: what the standby has replayed now, at least what that connection saw. */
    @Override
    public long appliedNow(Connection sessionConnection) throws SQLException {
        try (Statement s = sessionConnection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
            rs.next();
            long at = WalPosition.parse(rs.getString(1));
            return at < 0 ? -1 : backend.inCurrentHistory(node.timeline(), at);
        }
    }

    @Override
    public long lagMillis() {
        long at = applied();
        return at < 0 ? Long.MAX_VALUE : backend.lagMillis(at);
    }

    @Override
    public boolean inSyncSet() {
        return syncSet.member();
    }

    @Override
    public long joinedAtLsn() {
        return syncSet.joinedAtLsn();
    }

    @Override
    public void leaveSyncSet() {
        syncSet.leave();
    }

    /** After a poll: a readable standby that has caught up joins the set; one that cannot be read leaves it. */
    void updateSyncSet() {
        PgNode.Seen s = node.seen();
        long at = applied(s);
        if (at < 0) {
            syncSet.leave();
        } else if (!s.paused()) {
            syncSet.joinIfCaughtUp(at);
        }
    }

    @Override
    public boolean awaitApplied(long lsn, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        long seen = backend.progress().generation();
        while (applied() < lsn) {
            node.refresh();
            if (!backend.progress().awaitChange(seen, deadline - System.nanoTime())) {
                return applied() >= lsn;
            }
            seen = backend.progress().generation();
        }
        return true;
    }

    @Override
    public String stateName() {
        PgNode.Seen s = node.seen();
        if (!s.reachable()) {
            return "UNREACHABLE";
        }
        if (!s.inRecovery()) {
            return backend.isPrimary(node) ? "PRIMARY" : "FENCED";
        }
        if (applied(s) < 0) {
            return "DIVERGED";
        }
        return s.paused() ? "PAUSED" : "ONLINE";
    }
}
