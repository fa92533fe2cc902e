package dev.lattice.locking;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.TimeUnit;

/**
 * Lets writers skip the lock manager while no SERIALIZABLE transaction runs: their X locks exist
 * only to keep serializable transactions apart from them. A write transaction that starts while
 * none runs elides its locks; a serializable transaction, before its first statement, waits for
 * the eliding writers still open to finish, and every writer that starts meanwhile locks.
 */
public final class LockElision {

    private int serializable;
    private int eliding;

    /** At a write transaction's first write: true if it may run without locks. */
    public synchronized boolean tryElide() {
        if (serializable == 0) {
            eliding++;
            return true;
        }
        return false;
    }

    /** At the end of a transaction that elided its locks. */
    public synchronized void endElided() {
        if (--eliding == 0) {
            notifyAll();
        }
    }

    /** Before a serializable transaction's first statement: waits for writers running without locks. */
    public synchronized void beginSerializable(long timeoutMillis) throws SQLException {
        serializable++;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (eliding > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                serializable--;
                throw new SQLTransactionRollbackException("Lock timeout: a SERIALIZABLE transaction waited more than "
                        + timeoutMillis + " ms for " + eliding + " write transaction(s) begun before it", LockManager.ROLLED_BACK);
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
