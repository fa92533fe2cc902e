package dev.lattice.locking;

import dev.lattice.sql.analysis.StatementAnalysis;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One session's side of two-phase locking: whether its transaction is serializable, whether its
 * writes lock or elide their locks, and taking a statement's locks before it runs. Everything is
 * released when the transaction ends.
 */
public final class SessionLocks {

    /** How the open transaction relates to locking. */
    private enum Phase { NONE, ELIDING, LOCKING, SERIALIZABLE }

    private final LockManager manager;
    private final LockElision elision;
    private final PrimaryKeys keys;
    private final LockOwner owner;
    private final long timeoutMillis;
    private Phase phase = Phase.NONE;

    public SessionLocks(LockManager manager, LockElision elision, PrimaryKeys keys, long timeoutMillis) {
        this.manager = manager;
        this.elision = elision;
        this.keys = keys;
        this.owner = manager.newOwner();
        this.timeoutMillis = timeoutMillis;
    }

    public LockOwner owner() {
        return owner;
    }

    /**
     * Before a statement runs on the primary: whether it must take locks. A serializable
     * transaction locks its reads and writes; any other transaction locks its writes, unless no
     * serializable transaction runs, in which case it elides them for the whole transaction.
     */
    public boolean mustLock(StatementAnalysis analysis, boolean serializable) throws SQLException {
        boolean write = analysis.isWrite() || analysis.forUpdate();
        if (phase == Phase.NONE) {
            if (serializable) {
                elision.beginSerializable(timeoutMillis);
                phase = Phase.SERIALIZABLE;
            } else if (!write) {
                return false;
            } else {
                phase = elision.tryElide() ? Phase.ELIDING : Phase.LOCKING;
            }
        }
        return phase == Phase.SERIALIZABLE || (phase == Phase.LOCKING && write);
    }

    /**
     * Takes the locks the statement needs.
     *
     * @throws SQLException 40001 for a deadlock victim or a lock timeout (the caller rolls back)
     */
    public void acquire(StatementAnalysis analysis, String schema, Connection primary, long schemaVersion,
                        IntFunction<Object> parameters) throws SQLException {
        Map<LockTarget, LockMode> plan = StatementLocks.plan(analysis, phase == Phase.SERIALIZABLE, schema, primary,
                schemaVersion, keys, parameters);
        for (Map.Entry<LockTarget, LockMode> lock : plan.entrySet()) {
            manager.acquire(owner, lock.getKey(), lock.getValue(), timeoutMillis);
        }
    }

    /** From another thread: the session's lock wait under way, if any, fails at once with 57014. */
    public void cancelWait() {
        manager.cancelWait(owner);
    }

    /** At COMMIT, ROLLBACK, the end of an autocommit statement, or close: strict 2PL releases everything here. */
    public void endTransaction() {
        if (phase == Phase.NONE && !owner.holdsLocks()) {
            return;
        }
        switch (phase) {
            case ELIDING -> elision.endElided();
            case SERIALIZABLE -> elision.endSerializable();
            default -> { }
        }
        phase = Phase.NONE;
        manager.releaseAll(owner);
    }

}
