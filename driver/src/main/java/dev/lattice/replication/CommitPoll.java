package dev.lattice.replication;

import java.util.concurrent.TimeUnit;

/**
 * When an applier that has caught up looks for commits again. While commits keep coming (some
 * arrived since the last look, or it has just applied), it looks again after a while without being
 * woken: each look finds the commits of its interval, they share one H2 commit on the replica, and
 * the committing threads make no wake-up call (whoever waits for the replica nudges it). Commits
 * keep coming even when sessions apply them first, so that counts, not whether anything was left
 * to apply: a commit that wakes a parked applier costs its thread a system call, and on 2 cores the
 * woken thread often takes that thread's core (at CAUSAL, where sessions apply their own writes,
 * one commit in seven did so).
 * <p>
 * The interval starts at {@link #FIRST_NANOS} and doubles, up to {@link #MAX_NANOS}, while each
 * look finds at least {@link #DENSE} commits: under a dense stream a replica is then up to 4 ms
 * behind, and its applier takes a core 250 times a second instead of ten thousand (each time, on 2
 * cores, maybe from a thread serving a session, whose statement then waits for the whole batch:
 * with looks every 1 ms at most, the slowest 1% of a CAUSAL read/write mix at 2 threads took 3.2
 * times raw H2's time, with 4 ms 2.2 to 2.4 times). A look that saw no new commit means commits
 * are sparse: the applier then parks until a commit wakes it, so a lone commit is applied at once.
 */
final class CommitPoll {

    /** What {@link #next} returns when the applier should park until a commit wakes it. */
    static final long UNTIL_WOKEN = -1;
    /** How long after applying an applier looks once more for new commits. */
    static final long FIRST_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The longest time between looks, reached while each look finds a dense stream of commits. */
    static final long MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
    /** Commits a look must find for the next look to come twice as late. */
    static final long DENSE = 4;

    /** Whether the applier applied something since the last look: then it looks once more before parking. */
    private boolean appliedLately;
    /** C at the last look: one look later, how many came meanwhile. */
    private long committedAtLastLook = -1;
    private long interval = FIRST_NANOS;

    /** The applier (or a session in its place) applied something. */
    void applied() {
        appliedLately = true;
    }

    /** At a look that found the replica caught up with C = committed: how long to park, or UNTIL_WOKEN. */
    long next(long committed) {
        long came = committedAtLastLook < 0 ? 1 : committed - committedAtLastLook;
        committedAtLastLook = committed;
        if (appliedLately || came > 0) {
            appliedLately = false;
            interval = came >= DENSE ? Math.min(2 * interval, MAX_NANOS) : FIRST_NANOS;
            return interval;
        }
        interval = FIRST_NANOS;
        return UNTIL_WOKEN;
    }
}
