package dev.lattice.replication;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Taking a lock whose holder keeps it for a few microseconds (an H2 commit, one apply): a thread
 * that finds it taken spins that long rather than park, since parking and being woken costs
 * several times the wait.
 */
final class BriefLock {

    private BriefLock() {
    }

    /** Whether the lock was taken within spinNanos. */
    static boolean tryLock(ReentrantLock lock, long spinNanos) {
        if (lock.tryLock()) {
            return true;
        }
        long deadline = System.nanoTime() + spinNanos;
        do {
            Thread.onSpinWait();
            if (!lock.isLocked() && lock.tryLock()) {
                return true;
            }
        } while (System.nanoTime() - deadline < 0);
        return false;
    }
}
