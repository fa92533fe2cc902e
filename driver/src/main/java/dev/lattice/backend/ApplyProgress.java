package dev.lattice.backend;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where readers wait for any replica of the cluster to move: every applier signals after it
 * publishes a new applied LSN; a read that no replica can serve yet waits here, with a deadline,
 * and looks again. Signals and generation reads take no lock while nobody waits.
 */
public final class ApplyProgress {

    private final AtomicLong generation = new AtomicLong();
    private volatile int waiters;
    private volatile Runnable onWait = () -> { };

    /**
     * What to do before a thread starts waiting here: wake the appliers, which may be polling
     * between commits rather than applying each one as it comes (see ReplicaApplier).
     */
    public void onWait(Runnable action) {
        onWait = action;
    }

    /** Called by an applier after its applied LSN or its sync-set membership changed. */
    public void signal() {
        generation.incrementAndGet();
        // A waiter counts itself before it tests the generation, so either it sees this signal or we see it.
        if (waiters > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits for the next signal, at most the given time; returns false on timeout. */
    public boolean await(long nanos) throws InterruptedException {
        return awaitChange(generation(), nanos);
    }

    /** The count of signals so far: read it before testing a condition, then wait for it to change. */
    public long generation() {
        return generation.get();
    }

    /**
     * Waits until there has been a signal since {@code seen} was read, at most the given time;
     * returns false on timeout. Reading the generation before testing the condition means a
     * signal between the test and the wait is not lost.
     */
    public boolean awaitChange(long seen, long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return false;
        }
        if (generation.get() != seen) {
            return true;
        }
        onWait.run();
        long deadline = System.nanoTime() + nanos;
        synchronized (this) {
            waiters++;
            try {
                while (generation.get() == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                return true;
            } finally {
                waiters--;
            }
        }
    }
}
