package dev.lattice.backend.h2;

import dev.lattice.backend.ApplyProgress;
import dev.lattice.replication.ReplicaState;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Holds writers back while the slowest healthy replica is more than {@code maxReplicaLag} LSNs
 * behind (SPEC §8): a commit is acknowledged only once it is within the bound. Paused, failing,
 * rebuilding and stopped replicas hold no one back. The check runs after the commit, with no lock
 * held; on the fast path it reads each replica's state and applied LSN (a few volatile reads).
 */
final class Backpressure {

    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final long bound;
    private final List<Replica> replicas;
    private final ApplyProgress progress;
    private final LongAdder throttled = new LongAdder();
    private final LongAdder waitedNanos = new LongAdder();

    Backpressure(long bound, List<Replica> replicas, ApplyProgress progress) {
        this.bound = bound;
        this.replicas = replicas;
        this.progress = progress;
    }

    long bound() {
        return bound;
    }

    /** Whether a commit now could wait: the slowest healthy replica is over half the bound behind. */
    boolean near(long committed) {
        return bound > 0 && committed - slowestHealthy() > bound / 2;
    }

    /** Returns once the commit at lsn is within the bound of every healthy replica. */
    void admit(long lsn) throws SQLException {
        // No cached floor: a replica that turns healthy again (resumed, rebuilt) may be far behind it.
        if (bound <= 0 || lsn - slowestHealthy() <= bound) {
            return;
        }
        long start = System.nanoTime();
        throttled.increment();
        try {
            while (true) {
                long seen = progress.generation();
                if (lsn - slowestHealthy() <= bound) {
                    return;
                }
                progress.awaitChange(seen, RECHECK_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while the commit at LSN " + lsn + " waited for replicas to come "
                    + "within maxReplicaLag " + bound + " (it is committed)", "57014", e);
        } finally {
            waitedNanos.add(System.nanoTime() - start);
        }
    }

    /** The applied LSN of the slowest replica that applies as it should; Long.MAX_VALUE when none does. */
    private long slowestHealthy() {
        long min = Long.MAX_VALUE;
        for (Replica r : replicas) {
            if (r.applier().state() == ReplicaState.ONLINE && !r.applier().paused()) {
                long applied = r.applier().applied();
                if (applied >= 0) {
                    min = Math.min(min, applied);
                }
            }
        }
        return min;
    }

    /** Commits that had to wait. */
    long throttledCommits() {
        return throttled.sum();
    }

    /** Milliseconds commits spent waiting, in all. */
    long throttleWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(waitedNanos.sum());
    }
}
