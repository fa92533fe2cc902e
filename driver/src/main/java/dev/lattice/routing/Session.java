package dev.lattice.routing;

import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.NodeFailure;
import dev.lattice.backend.WouldWait;
import dev.lattice.backend.ReplicaNode;
import dev.lattice.replication.ReadFence;
import dev.lattice.backend.PrimaryTransaction;
import dev.lattice.backend.PrimaryTransaction.SavepointAction;
import dev.lattice.backend.SessionContext;
import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.EmbeddedSession;
import dev.lattice.locking.SessionLocks;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementAnalyzer;
import dev.lattice.sql.analysis.StatementKind;
import dev.lattice.sql.consistency.ConsistencyLevel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One Lattice session: what a JDBC connection or a proxy client is to the engine. It routes each
 * statement to a node by the session's level, pins a read-only transaction to one replica
 * snapshot, and hands what runs on the primary to its backend's {@link PrimaryTransaction}.
 */
public final class Session implements SessionContext, AutoCloseable {

    /** One analysis cache for the JVM: an analysis depends on the SQL text alone. */
    private static final StatementAnalyzer ANALYZER = new StatementAnalyzer();

    private final Cluster cluster;
    private final ClusterBackend backend;
    private final NodeConnections nodes;
    private final SessionConsistency consistency;
    private final SessionLocks locks;
    private final PrimaryTransaction primary;

    private boolean autoCommit = true;
    private boolean inTransactionBlock;
    private boolean readOnly;
    private boolean transactionReadOnly;
    private int pinnedNode = -1;
    /**
     * Per replica connection, the replica's read-fence stamp at its last autocommit read there (-1
     * before the first): when the replica's schema has changed since, the connection's standing
     * read transaction, begun before the change, ends before the next read.
     */
    private final long[] readStamps;
    private boolean closed;
    private int restoreIsolation = -1;
    private SQLWarning warnings;
    private boolean serializableSession;
    private boolean serializableTransaction;

    public Session(Cluster cluster, SessionOptions options) throws SQLException {
        this.cluster = cluster;
        this.backend = cluster.backend();
        this.nodes = new NodeConnections(backend);
        this.readStamps = new long[backend.replicas().size() + 1];
        Arrays.fill(readStamps, -1);
        CausalPosition position = options.sharedScope() ? cluster.sharedPosition() : new CausalPosition();
        this.consistency = new SessionConsistency(cluster, nodes, position, options);
        this.locks = new SessionLocks(cluster.lockManager(), cluster.lockElision(), cluster.primaryKeys(),
                cluster.config().lockTimeoutMillis());
        this.primary = backend.transaction(this, nodes, locks);
        nodes.attach(primary);
    }

    /** Whether the session's transactions are SERIALIZABLE: by its level, or by the isolation it asked for. */
    @Override
    public boolean serializable() {
        return consistency.level() == ConsistencyLevel.SERIALIZABLE || serializableSession || serializableTransaction;
    }

    @Override
    public ConsistencyLevel level() {
        return consistency.level();
    }

    @Override
    public boolean autoCommit() {
        return effectiveAutoCommit();
    }

    @Override
    public void committed(long lsn) throws SQLException {
        warn(consistency.afterCommit(lsn));
    }

    @Override
    public void readPrimary() throws SQLException {
        consistency.afterRead(0);
    }

    @Override
    public void rolledBack(SQLException cause) throws SQLException {
        if (cause.getMessage() != null && cause.getMessage().startsWith("Deadlock")) {
            cluster.routingStats().increment(consistency.level(), RoutingStats.Counter.DEADLOCKS);
        }
        endSnapshot(false);
        endTransaction();
    }

    /** The session's lock owner, for SHOW LOCKS and tests. */
    public SessionLocks locks() {
        return locks;
    }

    /** The session's level, timeout, fallback and causal position. */
    public SessionConsistency consistency() {
        return consistency;
    }

    public Cluster cluster() {
        return cluster;
    }

    /** W: the position of the session's last acknowledged write (0 before any). */
    public long writeLsn() {
        return consistency.position().written();
    }

    /** T: the highest position the session has written or observed; an upper bound of what it saw. */
    public long token() throws SQLException {
        return consistency.observedNow();
    }

    /** The statement's analysis, from the cache when the text was seen before. */
    public StatementAnalysis analyze(String sql) throws SQLException {
        return ANALYZER.analyze(sql);
    }

    /** Runs a routed statement (query, DML, DDL, or anything Lattice does not understand). */
    public <T> T execute(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        return execute(analysis, sql, null, work);
    }

    /**
     * Runs a routed statement whose parameters are bound.
     *
     * @param parameters the value bound to parameter n (1-based), so row locks can name rows; may be null
     */
    public <T> T execute(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        checkOpen();
        if (serializable()) {
            requireWritable(analysis);
            countPrimaryRead(analysis);
            return primary.run(analysis, sql, parameters, work);
        }
        if (effectiveAutoCommit()) {
            if (analysis.isRoutedRead()) {
                int node = consistency.routeRead();
                if (node > 0) {
                    return onReplica(node, analysis, sql, work, false);
                }
                long start = System.nanoTime();
                T result = onPrimary(analysis, sql, parameters, work, false);
                consistency.primaryReadTook(System.nanoTime() - start);
                return result;
            }
            requireWritable(analysis);
            return primary.run(analysis, sql, parameters, work);
        }
        if (readOnlyTransaction()) {
            requireWritable(analysis);
            if (pinnedNode < 0) {
                pinnedNode = consistency.routeRead();
                if (pinnedNode > 0 && !nodes.settingsHold(pinnedNode)) {
                    pinnedNode = 0; // the primary keeps every promise, and has the session's settings
                }
                if (pinnedNode > 0) {
                    beginSnapshot(nodes.get(pinnedNode));
                } else {
                    snapshotOnPrimary();
                }
            }
            if (pinnedNode > 0) {
                Connection replica = nodes.get(pinnedNode);
                T result = work.run(replica, pinnedNode);
                if (EmbeddedSession.wrote(replica)) {
                    ReadFence.discard(result);
                    rollback();
                    throw new SQLException("Cannot run a write in a read-only transaction: a function the query "
                            + "calls changed rows. The transaction was rolled back", "25006");
                }
                consistency.afterRead(pinnedNode);
                return result;
            }
        } else {
            countPrimaryRead(analysis);
        }
        return primary.run(analysis, sql, parameters, work);
    }

    /**
     * Whether the statement, in the session's state now, runs without waiting for anything, on a
     * cluster whose nodes all run in this process: an autocommit read a replica can serve at once
     * (or which the level sends to the primary), or an autocommit write whose commit waits for no
     * replica (not STRONG, QUORUM or SERIALIZABLE, replicas within half of maxReplicaLag). A caller
     * that must not block (an event loop) runs such a statement with {@link #executeNow}, everything
     * else with {@link #execute}.
     */
    public boolean runsAtOnce(StatementAnalysis analysis) throws SQLException {
        if (closed || !backend.inProcess() || serializable() || !effectiveAutoCommit()) {
            return false;
        }
        if (analysis.isRoutedRead()) {
            return consistency.readsNow();
        }
        ConsistencyLevel level = consistency.level();
        return analysis.kind() == StatementKind.DML && analysis.parsed() && !analysis.mayTouchAnything()
                && !analysis.mayChangeSchema() && !readOnly && level != ConsistencyLevel.STRONG
                && level != ConsistencyLevel.QUORUM && primary.writesAtOnce();
    }

    /**
     * Runs a statement {@link #runsAtOnce} accepted, never waiting. A read goes to a replica that
     * keeps the promise now, else to the primary, which keeps every promise (the replicas may have
     * changed in between). A write that meets a row lock or DDL, or a read on the primary that
     * meets a table lock or DDL, fails with {@link WouldWait}, with nothing of it done, for the
     * caller to run it again with {@link #execute}.
     */
    public <T> T executeNow(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        checkOpen();
        if (serializable() || !effectiveAutoCommit()) {
            throw new WouldWait("a transaction", null);
        }
        if (analysis.isRoutedRead()) {
            int node = consistency.routeReadNow();
            return node > 0 ? onReplica(node, analysis, sql, work, true) : onPrimary(analysis, sql, parameters, work, true);
        }
        requireWritable(analysis);
        return primary.runAtOnce(analysis, sql, parameters, work);
    }

    private void countPrimaryRead(StatementAnalysis analysis) {
        if (analysis.kind() == StatementKind.QUERY) {
            consistency.countPrimaryRead();
        }
    }

    /** A read-only transaction reads one replica as one snapshot, from its first statement on. */
    private void beginSnapshot(Connection replica) throws SQLException {
        if (replica.getAutoCommit()) {
            replica.setAutoCommit(false);
        } else {
            replica.commit(); // ends a standing read transaction: the snapshot starts at the next read
        }
        replica.setTransactionIsolation(backend.snapshotIsolation());
    }

    /**
     * A read-only transaction the level sends to the primary is one snapshot there too (READ
     * COMMITTED would let a later statement see what an earlier one missed); the isolation the
     * session had comes back when the transaction ends.
     */
    private void snapshotOnPrimary() throws SQLException {
        int before = primary.isolation();
        primary.snapshotIsolation();
        if (restoreIsolation < 0) {
            restoreIsolation = before;
        }
    }

    private void endSnapshot(boolean commit) throws SQLException {
        int node = pinnedNode;
        pinnedNode = -1;
        if (node > 0) {
            Connection replica = nodes.ifOpen(node);
            if (replica != null) {
                try {
                    if (commit) {
                        replica.commit();
                    } else {
                        replica.rollback();
                    }
                    replica.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    backend.openedReplica(replica);
                } catch (SQLException e) {
                    nodes.drop(node);
                }
            }
        }
    }

    private boolean readOnlyTransaction() {
        return readOnly || transactionReadOnly;
    }

    private void requireWritable(StatementAnalysis analysis) throws SQLException {
        if ((readOnly || transactionReadOnly) && (analysis.isWrite() || analysis.mustRunOnPrimary())) {
            throw new SQLException("Cannot run a write (" + analysis.kind() + ") in a read-only "
                    + (effectiveAutoCommit() ? "connection" : "transaction"), "25006");
        }
    }

    /** JDBC setReadOnly: a read-only connection refuses writes; its transactions read one replica snapshot. */
    public void setReadOnly(boolean on) throws SQLException {
        checkOpen();
        if (!effectiveAutoCommit() && (primary.writing() || pinnedNode >= 0)) {
            throw new SQLException("Cannot change read-only mode inside a transaction", "25001");
        }
        readOnly = on;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Warnings of the session (QUORUM commits that gave up waiting, ...), oldest first. */
    public SQLWarning warnings() {
        return warnings;
    }

    public void clearWarnings() {
        warnings = null;
    }

    void warn(SQLWarning warning) {
        if (warning == null) {
            return;
        }
        if (warnings == null) {
            warnings = warning;
        } else {
            warnings.setNextWarning(warning);
        }
    }

    /** Runs on the primary whatever the statement is, as a writer (CallableStatement executions). */
    public <T> T executeOnPrimary(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        checkOpen();
        return primary.runAsWriter(analysis, sql, work);
    }

    /**
     * A read on a replica. A read the replica could not serve whole — its connection broke, its
     * schema changed inside it meanwhile, or it failed inside — goes to the primary, which keeps
     * every promise; the client never sees a replica's internal error.
     */
    private <T> T onReplica(int index, StatementAnalysis analysis, String sql, NodeWork<T> work, boolean now)
            throws SQLException {
        ReplicaNode replica = backend.replicas().get(index - 1);
        long stamp = replica.beginRead();
        if (stamp < 0) {
            return onPrimary(analysis, sql, null, work, now);
        }
        if (!settingsHold(index)) {
            return onPrimary(analysis, sql, null, work, now); // the replica lacks a setting of the session
        }
        T result;
        boolean wrote;
        try {
            Connection c = nodes.get(index);
            if (stamp != readStamps[index]) {
                if (readStamps[index] >= 0 && !c.getAutoCommit()) {
                    c.commit(); // a standing read transaction from before the replica's schema changed
                }
                readStamps[index] = stamp;
            }
            result = work.run(c, index);
            wrote = EmbeddedSession.wrote(c);
            if (wrote) {
                c.rollback(); // a function it calls wrote: unlogged, that would stay on this replica alone
                ReadFence.discard(result);
            }
        } catch (SQLException e) {
            if (NodeFailure.connectionLost(e)) {
                nodes.drop(index);
                backend.refresh();
            } else if (!replica.failedInside(stamp, e)) {
                throw e;
            }
            return onPrimary(analysis, sql, null, work, now);
        }
        if (wrote) {
            if (now) {
                throw new WouldWait("a query that writes", null);
            }
            return primary.runAsWriter(analysis, sql, primary.routedRead(work));
        }
        if (!replica.readHeld(stamp)) {
            ReadFence.discard(result);
            return onPrimary(analysis, sql, null, work, now);
        }
        consistency.afterRead(index);
        return result;
    }

    /** Whether the session's settings hold on that replica's connection; a connection that broke meanwhile is dropped. */
    private boolean settingsHold(int index) {
        try {
            return nodes.settingsHold(index);
        } catch (SQLException e) {
            nodes.drop(index);
            return false;
        }
    }

    /** A read routed to the primary; {@code now}, one that would wait there fails with WouldWait. */
    private <T> T onPrimary(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work,
                            boolean now) throws SQLException {
        return now ? primary.readAtOnce(analysis, sql, parameters, work)
                : primary.run(analysis, sql, parameters, primary.routedRead(work));
    }

    /**
     * Runs a batch of one prepared statement on the primary as one unit: one transaction in
     * autocommit. An element that fails leaves no captured change behind; the others stand.
     */
    public void executeBatch(StatementAnalysis analysis, String sql, int size,
                             IntFunction<IntFunction<Object>> parameters, BatchWork work) throws SQLException {
        checkOpen();
        StatementKind kind = analysis.kind();
        if (kind == StatementKind.DDL || kind == StatementKind.OTHER || !effectiveAutoCommit() && readOnlyTransaction()) {
            for (int i = 0; i < size; i++) {
                int element = i;
                execute(analysis, sql, parameters.apply(i), (node, index) -> work.run(node, index, element));
            }
            return;
        }
        requireWritable(analysis);
        primary.runBatch(analysis, size, parameters, work);
    }

    /** Commits the open transaction; a write gets its position and the level's commit rule. */
    public void commit() throws SQLException {
        checkOpen();
        try {
            endSnapshot(true);
            primary.commit();
        } finally {
            endTransaction();
        }
    }

    public void rollback() throws SQLException {
        checkOpen();
        try {
            endSnapshot(false);
            primary.rollback();
        } finally {
            endTransaction();
        }
    }

    public Savepoint setSavepoint(String name) throws SQLException {
        requireTransaction();
        return primary.setSavepoint(name);
    }

    public void rollback(Savepoint savepoint) throws SQLException {
        requireTransaction();
        primary.rollback(savepoint);
    }

    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        requireTransaction();
        primary.releaseSavepoint(savepoint);
    }

    /** SQL {@code SAVEPOINT name}, run on the primary. */
    public void savepoint(String name, String sql) throws SQLException {
        requireTransaction();
        primary.savepointStatement(name, sql, SavepointAction.SET);
    }

    /** SQL {@code ROLLBACK TO SAVEPOINT name}, run on the primary. */
    public void rollbackToSavepoint(String name, String sql) throws SQLException {
        requireTransaction();
        primary.savepointStatement(name, sql, SavepointAction.ROLLBACK_TO);
    }

    /** SQL {@code RELEASE SAVEPOINT name}, run on the primary. */
    public void releaseSavepoint(String name, String sql) throws SQLException {
        requireTransaction();
        primary.savepointStatement(name, sql, SavepointAction.RELEASE);
    }

    private void requireTransaction() throws SQLException {
        checkOpen();
        if (effectiveAutoCommit()) {
            throw new SQLException("Savepoints need a transaction: the connection is in autocommit mode", "25P01");
        }
    }

    /**
     * SQL {@code BEGIN} / {@code START TRANSACTION}: a transaction block until COMMIT or ROLLBACK.
     * An isolation level given here holds for this transaction only.
     *
     * @return a warning when a transaction is already in progress (as PostgreSQL says), else null
     */
    public SQLWarning begin(Boolean readOnly, Integer isolation) throws SQLException {
        checkOpen();
        if (!effectiveAutoCommit()) {
            return new SQLWarning("There is already a transaction in progress", "25001");
        }
        inTransactionBlock = true;
        transactionReadOnly = Boolean.TRUE.equals(readOnly);
        if (isolation != null) {
            setIsolation(isolation, false);
        }
        return null;
    }

    /** SET TRANSACTION READ ONLY | READ WRITE, before the transaction's first statement. */
    public void setTransactionReadOnly(boolean on) throws SQLException {
        checkOpen();
        if (primary.writing() || pinnedNode >= 0) {
            throw new SQLException("SET TRANSACTION must come before any query of the transaction", "25001");
        }
        transactionReadOnly = on;
    }

    /**
     * SET TRANSACTION ISOLATION LEVEL: for the session when {@code forSession}, else for the
     * current (or next) transaction only, restored when it ends.
     */
    public void setIsolation(int level, boolean forSession) throws SQLException {
        checkOpen();
        boolean serializable = level == Connection.TRANSACTION_SERIALIZABLE;
        if (forSession) {
            serializableSession = serializable;
        } else {
            serializableTransaction = serializable;
        }
        if (!forSession && restoreIsolation < 0) {
            restoreIsolation = primary.isolation();
        }
        primary.setIsolation(level);
        if (forSession) {
            restoreIsolation = -1;
        }
    }

    /** The isolation level the session reports: SERIALIZABLE when it asked for it. */
    public int isolation() throws SQLException {
        return serializableSession || serializableTransaction ? Connection.TRANSACTION_SERIALIZABLE
                : primary.isolation();
    }

    private void endTransaction() throws SQLException {
        inTransactionBlock = false;
        transactionReadOnly = false;
        serializableTransaction = false;
        if (restoreIsolation >= 0) {
            int level = restoreIsolation;
            restoreIsolation = -1;
            if (nodes.ifOpen() != null) {
                primary.setIsolation(level);
            }
        }
    }

    public boolean autoCommitSetting() {
        return autoCommit;
    }

    /** Whether a statement now commits by itself (autocommit on, no BEGIN block open). */
    public boolean effectiveAutoCommit() {
        return autoCommit && !inTransactionBlock;
    }

    public boolean inTransactionBlock() {
        return inTransactionBlock;
    }

    /** JDBC setAutoCommit: switching it on commits the open transaction. */
    public void setAutoCommit(boolean on) throws SQLException {
        checkOpen();
        if (on && !effectiveAutoCommit()) {
            commit();
        }
        autoCommit = on;
    }

    /** A session setting (SET ...), replayed on every node the session uses. */
    public void applySetting(String sql) throws SQLException {
        checkOpen();
        primary.beforeSetting(sql);
        nodes.applySetting(sql);
        primary.settingApplied();
    }

    /** The primary's connection, for what only the primary can answer (metadata, LOB factories). */
    public Connection primaryConnection() throws SQLException {
        checkOpen();
        return nodes.get(0);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Cancels what the session is doing, from another thread: a read waiting for a replica to
     * catch up, or a statement waiting for a lock (SPEC §4), fails at once with 57014. (The statement
     * itself is cancelled by its caller.)
     */
    public void cancel() {
        consistency.cancelWait();
        locks.cancelWait();
        primary.cancel();
    }

    /** Rolls back what is open and closes every node connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            endSnapshot(false);
        } catch (SQLException ignored) {
            // closing anyway
        }
        primary.close();
        nodes.close();
        closed = true;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("The connection is closed", "08003");
        }
    }
}
