package dev.lattice.backend;

import dev.lattice.cluster.Node;
import dev.lattice.locking.SessionLocks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What the router needs of a cluster, whoever replicates it: positions (C, applied(r), W after a
 * commit), waiting for a position, the nodes and their connections, and replica administration.
 * The rules of the consistency levels are written once, in {@code routing}, over this interface.
 */
public interface ClusterBackend extends AutoCloseable {

    /** The cluster's identity, which consistency tokens carry. */
    String id();

    /**
     * The history positions belong to: 1 for an H2 cluster, the timeline for PostgreSQL. A
     * position of an older epoch is brought into this one with {@link #toEpoch} before any comparison.
     */
    long epoch();

    /** A position of an earlier epoch as a position of the current history (the part that survived). */
    long toEpoch(long epoch, long lsn);

    /** The primary now; fails with 08006 when no primary is reachable. */
    Node primary() throws SQLException;

    /**
     * The nodes that may serve reads as replicas, in a fixed order. A node of the list that is the
     * primary now (a PostgreSQL standby promoted, or the configured primary) is not readable as one.
     */
    List<? extends ReplicaNode> replicas();

    /** N, the number of replicas quorums count: the nodes besides the primary now. */
    default int replicaCount() {
        return replicas().size();
    }

    /** Whether every node runs in this process (embedded H2): a read on one waits for no network. */
    default boolean inProcess() {
        return false;
    }

    /** C as last known: the position of the newest committed transaction the router has seen. */
    long committedLsn();

    /**
     * The newest position of a commit acknowledged without waiting for STRONG's synchronous set (a
     * commit at any other level), at most C: a STRONG read needs a replica that has applied it.
     */
    long acknowledgedOutsideSyncSet();

    /** A read index: an upper bound of every commit acknowledged before this call (fresh from the primary). */
    long readIndex(PrimaryLink primary) throws SQLException;

    /** An upper bound of what a statement that has just ended on the primary saw, if known without asking; else -1. */
    long knownCommittedUpperBound();

    /** An upper bound of what a statement that has just ended on the primary saw (asking it). */
    long committedUpperBound(PrimaryLink primary) throws SQLException;

    /** Where waits for replicas to move are signalled. */
    ApplyProgress progress();

    /** A read is waiting for replicas: refresh what is known of them now rather than at the next poll. */
    void refresh();

    /** Whether BOUNDED_STALENESS may be counted in VERSIONS (committed transactions). */
    boolean countsVersions();

    /** The isolation level that makes a read-only transaction one snapshot on a replica. */
    int snapshotIsolation();

    /** A session's transaction on the primary. */
    PrimaryTransaction transaction(SessionContext session, PrimaryLink link, SessionLocks locks);

    /**
     * Prepares a connection to a replica for a session's reads, when opened and after a read-only
     * transaction; by default autocommit and read-only.
     */
    default void openedReplica(Connection replica) throws SQLException {
        replica.setAutoCommit(true);
        replica.setReadOnly(true);
    }

    /** SHOW REPLICAS. */
    ResultSet showReplicas() throws SQLException;

    /** ALTER REPLICA name SET DELAY ms, ms between 0 and 2^31 - 1 (checked by the caller). */
    void setDelay(String replica, long millis) throws SQLException;

    /** ALTER REPLICA name PAUSE | RESUME. */
    void setPaused(String replica, boolean paused) throws SQLException;

    /**
     * ALTER CLUSTER PROMOTE replica [FORCE]: makes the replica the primary when the primary is gone
     * (SPEC §8). Fails with 55000 while the primary is reachable, 42704 for an unknown replica.
     *
     * @return a warning saying how many LSNs were lost, or null
     */
    java.sql.SQLWarning promote(String replica, boolean force) throws SQLException;

    /** What DatabaseMetaData reports: "H2" or "PostgreSQL". */
    String productName();

    @Override
    void close();
}
