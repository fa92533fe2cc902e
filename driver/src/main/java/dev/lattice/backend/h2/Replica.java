package dev.lattice.backend.h2;

import dev.lattice.backend.ReplicaNode;
import dev.lattice.cluster.Node;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.replication.ReplicaState;
import java.sql.Connection;
import java.sql.SQLException;

/** An H2 replica together with the applier that keeps it in step with the primary. */
public record Replica(Node node, ReplicaApplier applier) implements ReplicaNode {

    @Override
    public boolean readable() {
        ReplicaState state = applier.state();
        return state.readable() && state != ReplicaState.PRIMARY; // a promoted replica is the primary: not one of the replicas
    }

    @Override
    public long applied() {
        return applier.applied();
    }

    @Override
    public long appliedUpperBound() {
        return applier.appliedUpperBound();
    }

    @Override
    public long appliedNow(Connection sessionConnection) {
        return applier.appliedUpperBound();
    }

    @Override
    public long lagMillis() {
        return applier.lagMillis();
    }

    @Override
    public boolean inSyncSet() {
        return applier.inSyncSet();
    }

    @Override
    public long joinedAtLsn() {
        return applier.joinedAtLsn();
    }

    @Override
    public void leaveSyncSet() {
        applier.leaveSyncSet();
    }

    @Override
    public boolean awaitApplied(long lsn, long timeoutNanos) throws InterruptedException {
        return applier.awaitApplied(lsn, timeoutNanos);
    }

    @Override
    public boolean catchingUp() {
        return readable() && applier.catchingUp();
    }

    @Override
    public boolean applyNow(long lsn) {
        return applier.applyNow(lsn);
    }

    @Override
    public void hurry() {
        applier.nudge();
    }

    /** H2 does not shield a query from another session's DDL: the applier's fence tells whether one overlapped. */
    @Override
    public long beginRead() {
        return applier.fence().enter();
    }

    @Override
    public boolean readHeld(long stamp) {
        return applier.fence().held(stamp);
    }

    @Override
    public boolean failedInside(long stamp, SQLException e) {
        return applier.fence().reroute(stamp, e);
    }

    @Override
    public String stateName() {
        return applier.reportedState().name();
    }
}
