package dev.lattice.backend;

import java.util.function.LongSupplier;

/**
 * One replica's place in STRONG's synchronous set, the same for both kinds of cluster: commits wait
 * for a member, and a member serves STRONG reads once it has applied the LSN it joined at. A
 * replica joins when it has caught up and leaves when it fails or a commit gives up waiting for it.
 */
public final class SyncSetMembership {

    private final ApplyProgress progress;
    private final LongSupplier committed;
    private volatile boolean member;
    private volatile long joinedAtLsn;

    /**
     * @param progress  where readers wait: told of every change of membership
     * @param committed C, the cluster's highest committed LSN
     */
    public SyncSetMembership(ApplyProgress progress, LongSupplier committed) {
        this.progress = progress;
        this.committed = committed;
    }

    public boolean member() {
        return member;
    }

    /** C when the replica last joined: commits before that did not wait for it. */
    public long joinedAtLsn() {
        return joinedAtLsn;
    }

    /** Joins when the replica has applied everything committed. */
    public void joinIfCaughtUp(long applied) {
        if (!member && applied >= committed.getAsLong()) {
            // Join first, then read C: a commit that did not see this replica in the set has already
            // raised C, so no STRONG read is served here before the replica has that commit too.
            joinedAtLsn = Long.MAX_VALUE;
            member = true;
            joinedAtLsn = committed.getAsLong();
            progress.signal();
        }
    }

    public void leave() {
        if (member) {
            member = false;
            progress.signal();
        }
    }
}
