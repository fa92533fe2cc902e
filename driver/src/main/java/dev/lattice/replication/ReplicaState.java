package dev.lattice.replication;

/** How a replica's applier is doing, as SHOW REPLICAS reports it. */
public enum ReplicaState {
    /** Applying the log as it comes. */
    ONLINE,
    /** Paused by ALTER REPLICA ... PAUSE: serves reads, applies nothing. */
    PAUSED,
    /** Being rebuilt from a snapshot: serves no reads. */
    REBUILDING,
    /** Unreachable or failing to apply: its lag is unknown, it serves no reads. */
    FAILED,
    /** Stopped with the cluster. */
    STOPPED,
    /** Promoted to primary by ALTER CLUSTER PROMOTE: it has every commit. */
    PRIMARY,
    /**
     * Applying, but no row has gone in for a while (its applier may be stuck inside H2): serves reads
     * up to its applied LSN, which is exact, as when ONLINE.
     */
    STALLED;

    /** Whether the replica's applied LSN is known, so it may serve reads. */
    public boolean readable() {
        return this == ONLINE || this == PAUSED || this == PRIMARY || this == STALLED;
    }
}
