package dev.lattice.proxy.session;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * PostgreSQL's advisory locks ({@code pg_advisory_lock} and friends) over H2, which has none: one
 * table of exclusive locks for every session of this proxy, each held at session level until
 * unlocked (re-entrant, counted) or at transaction level until the transaction ends. Clients such
 * as Flyway take one to keep two migrators apart; as in PostgreSQL, the lock guards nothing else.
 */
public final class AdvisoryLocks {

    /** Who holds one key, and how many times at each level. */
    private static final class Hold {
        final Object owner;
        int session;
        int transaction;

        Hold(Object owner) {
            this.owner = owner;
        }
    }

    private final Map<Long, Hold> holds = new HashMap<>();

    /** Takes the lock if no other session holds it; true when taken. */
    public synchronized boolean tryLock(Object owner, long key, boolean transaction) {
        Hold h = holds.get(key);
        if (h == null) {
            h = new Hold(owner);
            holds.put(key, h);
        } else if (h.owner != owner) {
            return false;
        }
        if (transaction) {
            h.transaction++;
        } else {
            h.session++;
        }
        return true;
    }

    /** Waits until the lock is free, then takes it; a cancelled wait fails with 57014. */
    public synchronized void lock(Object owner, long key, boolean transaction, Cancellation cancelled)
            throws SQLException {
        while (!tryLock(owner, key, transaction)) {
            if (cancelled.requested()) {
                throw new SQLException("canceling statement due to user request", "57014");
            }
            try {
                wait(100); // also woken by every release; the timeout only bounds a cancel's delay
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("canceling statement due to user request", "57014");
            }
        }
    }

    /** Releases one session-level hold of the key; false (as PostgreSQL, with a warning) when none is held. */
    public synchronized boolean unlock(Object owner, long key) {
        Hold h = holds.get(key);
        if (h == null || h.owner != owner || h.session == 0) {
            return false;
        }
        h.session--;
        forgetIfFree(key, h);
        return true;
    }

    /** Releases the transaction-level holds of a session whose transaction ended. */
    public synchronized void transactionEnded(Object owner) {
        release(owner, true);
    }

    /** Releases every hold of a session: {@code pg_advisory_unlock_all()}, or the session's end. */
    public synchronized void releaseAll(Object owner) {
        release(owner, false);
    }

    private void release(Object owner, boolean transactionOnly) {
        boolean any = false;
        for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
            Hold h = it.next();
            if (h.owner == owner && (h.transaction > 0 || !transactionOnly)) {
                h.transaction = 0;
                if (!transactionOnly) {
                    h.session = 0;
                }
                if (h.session == 0) {
                    it.remove();
                }
                any = true;
            }
        }
        if (any) {
            notifyAll();
        }
    }

    private void forgetIfFree(long key, Hold h) {
        if (h.session == 0 && h.transaction == 0) {
            holds.remove(key);
            notifyAll();
        }
    }

    /** Whether the statement waiting for a lock was cancelled. */
    @FunctionalInterface
    public interface Cancellation {
        boolean requested();
    }
}
