package dev.lattice.backend;

import dev.lattice.cluster.Node;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A replica as the router sees it, whatever keeps it in step (Lattice's applier for H2, PostgreSQL's
 * streaming replication for a standby): its applied position, its lag, and its place in STRONG's
 * synchronous set. Every figure is read without a lock; routing reads them per statement.
 */
public interface ReplicaNode {

    Node node();

    /** Whether the replica may serve a read: its applied position is known and in the cluster's history. */
    boolean readable();

    /** applied(r): a lower bound of what the replica has applied, in the current epoch; -1 when unknown. */
    long applied();

    /**
     * An upper bound of what a read on this replica that has just ended can have seen, if one is
     * known without asking the node; else -1 (ask with {@link #appliedNow}).
     */
    long appliedUpperBound();

    /** Asks the node, on the session's own connection to it, what it has applied now: an upper bound of earlier reads. */
    long appliedNow(Connection sessionConnection) throws SQLException;

    /** Milliseconds the replica is behind: 0 when caught up, Long.MAX_VALUE when unknown. */
    long lagMillis();

    /** Whether the replica is in STRONG's synchronous set. */
    boolean inSyncSet();

    /** C when the replica last joined the synchronous set: it serves STRONG reads once it has applied it. */
    long joinedAtLsn();

    /** Takes the replica out of the synchronous set: a commit found it too slow, or it failed. */
    void leaveSyncSet();

    /** Waits until applied(r) ≥ lsn or the timeout passes; returns whether it got there. */
    boolean awaitApplied(long lsn, long timeoutNanos) throws InterruptedException;

    /** Whether the replica applies as it should now: readable, and neither paused nor delayed. */
    default boolean catchingUp() {
        return readable();
    }

    /**
     * Instead of waiting: the calling thread applies what the replica lacks through lsn, if it can
     * now without waiting itself (a replica that applies by itself only answers). Whether the
     * replica has applied lsn.
     */
    default boolean applyNow(long lsn) {
        return applied() >= lsn;
    }

    /** Someone is about to wait for this replica to apply: start now (a replica that applies by itself needs nothing). */
    default void hurry() {
    }

    /**
     * Before a read: a stamp to check after it, or a negative number when the replica cannot serve
     * a read now (its schema is changing inside it).
     */
    default long beginRead() {
        return 0;
    }

    /** After a read: whether it ran wholly while the replica was serving; if not, its result is discarded. */
    default boolean readHeld(long stamp) {
        return true;
    }

    /**
     * Whether a read's error came from what the replica was doing inside (not from the statement),
     * so that the read goes to a node that can serve it instead.
     */
    default boolean failedInside(long stamp, SQLException e) {
        return false;
    }

    /** The state SHOW REPLICAS and error messages name (ONLINE, PAUSED, FAILED, ...). */
    String stateName();
}
