package dev.lattice.locking;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets writers skip the lock manager while no SERIALIZABLE transaction runs: their X locks exist
 * only to keep serializable transactions apart from them. A write transaction that starts while
 * none runs elides its locks; a serializable transaction, before its first statement, waits for
 * the eliding writers still open to finish, and every writer that starts meanwhile locks.
 *
 * <p>Writers take no monitor: a writer counts itself in, then reads whether a serializable
 * transaction runs; a serializable transaction counts itself in, then reads the count of eliding
 * writers. Both are sequentially consistent, so at least one of the two sees the other: the writer
 * backs out and locks, or the serializable transaction waits for it.
 */
public final class LockElision {

    /** Serializable transactions begun and not ended; written under the monitor. */
    private volatile int serializable;
    private final AtomicInteger eliding = new AtomicInteger();

    /** At a write transaction's first write: true if it may run without locks. */
    public boolean tryElide() {
        eliding.incrementAndGet();
        if (serializable == 0) {
            return true;
        }
        endElided(); // a serializable transaction may have counted this writer: it is told it left
        return false;
    }

    /** At the end of a transaction that elided its locks. */
    public void endElided() {
        if (eliding.decrementAndGet() == 0 && serializable != 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Before a serializable transaction's first statement: waits for writers running without locks. */
    public synchronized void beginSerializable(long timeoutMillis) throws SQLException {
        serializable++;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (eliding.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                serializable--;
                throw new SQLTransactionRollbackException("Lock timeout: a SERIALIZABLE transaction waited more than "
                        + timeoutMillis + " ms for " + eliding.get() + " write transaction(s) begun before it",
                        LockManager.ROLLED_BACK);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                serializable--;
                throw new SQLTransactionRollbackException("Interrupted", LockManager.ROLLED_BACK, e);
            }
        }
    }

    public synchronized void endSerializable() {
        serializable--;
    }
}
