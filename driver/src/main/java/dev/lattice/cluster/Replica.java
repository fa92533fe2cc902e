package dev.lattice.cluster;

import dev.lattice.replication.ReplicaApplier;

/** A replica node together with the applier that keeps it in step with the primary. */
public record Replica(Node node, ReplicaApplier applier) {

    /** Whether the replica may serve a read: its applied LSN is known. */
    public boolean readable() {
        return applier.state().readable();
    }

    public long applied() {
        return applier.applied();
    }
}
