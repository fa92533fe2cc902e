package dev.lattice.backend;

import java.util.concurrent.TimeUnit;

/**
 * Where readers wait for any replica of the cluster to move: every applier signals after it
 * publishes a new applied LSN; a read that no replica can serve yet waits here, with a deadline,
 * and looks again.
 */
public final class ApplyProgress {

    private int waiters;
    private long generation;

    /** Called by an applier after its applied LSN or its sync-set membership changed. */
    public void signal() {
        synchronized (this) {
            generation++;
            if (waiters > 0) {
                notifyAll();
            }
        }
    }

    /** Waits for the next signal, at most the given time; returns false on timeout. */
    public boolean await(long nanos) throws InterruptedException {
        return awaitChange(generation(), nanos);
    }

    /** The count of signals so far: read it before testing a condition, then wait for it to change. */
    public synchronized long generation() {
        return generation;
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
        long deadline = System.nanoTime() + nanos;
        synchronized (this) {
            waiters++;
            try {
                while (generation == seen) {
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
