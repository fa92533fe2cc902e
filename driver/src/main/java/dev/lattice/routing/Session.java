package dev.lattice.routing;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.Replica;
import dev.lattice.locking.LockManager;
import dev.lattice.locking.SessionLocks;
import dev.lattice.replication.CaptureTable;
import dev.lattice.replication.ChangeCapture;
import dev.lattice.replication.RowChange;
import dev.lattice.replication.TableId;
import dev.lattice.sql.analysis.TableName;
import dev.lattice.replication.DurableLog;
import dev.lattice.replication.ReadFence;
import dev.lattice.replication.SchemaGate;
import dev.lattice.replication.TriggerInstaller;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementAnalyzer;
import dev.lattice.sql.analysis.StatementKind;
import dev.lattice.sql.consistency.ConsistencyLevel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * One Lattice session: what a JDBC connection or a proxy client is to the engine. It routes each
 * statement to a node, runs writes on the primary with their row changes captured, gives each
 * committed write transaction its LSN, and keeps the session's causal position.
 */
public final class Session implements AutoCloseable {

    /** One analysis cache for the JVM: an analysis depends on the SQL text alone. */
    private static final StatementAnalyzer ANALYZER = new StatementAnalyzer();

    private final Cluster cluster;
    private final ChangeCapture capture = new ChangeCapture();
    private final NodeConnections nodes;
    private final Map<Savepoint, Integer> savepointMarks = new HashMap<>();
    private final Map<String, Integer> namedSavepointMarks = new HashMap<>();

    private final SessionConsistency consistency;
    private final SessionLocks locks;

    private PreparedStatement logInsert;
    private boolean autoCommit = true;
    private boolean inTransactionBlock;
    private boolean readOnly;
    private boolean transactionReadOnly;
    private int pinnedNode = -1;
    private final SchemaGate.Writer gateWriter = new SchemaGate.Writer();
    private boolean closed;
    private final boolean remotePrimary;
    private int restoreIsolation = -1;
    private SQLWarning warnings;
    private boolean serializableSession;
    private boolean serializableTransaction;
    private String currentSchema;

    public Session(Cluster cluster, SessionOptions options) throws SQLException {
        this.cluster = cluster;
        this.nodes = new NodeConnections(cluster, capture);
        this.remotePrimary = !cluster.primary().embedded();
        CausalPosition position = options.sharedScope() ? cluster.sharedPosition() : new CausalPosition();
        this.consistency = new SessionConsistency(cluster, position, options.consistency(), options.timeoutMillis(),
                options.fallback(), options.failureTimeoutMillis());
        this.locks = new SessionLocks(cluster.lockManager(), cluster.lockElision(), cluster.primaryKeys(),
                cluster.config().lockTimeoutMillis());
    }

    /** Whether the session's transactions are SERIALIZABLE: by its level, or by the isolation it asked for. */
    public boolean serializable() {
        return consistency.level() == ConsistencyLevel.SERIALIZABLE || serializableSession || serializableTransaction;
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

    /** W: the LSN of the session's last acknowledged write (0 before any). */
    public long writeLsn() {
        return consistency.position().written();
    }

    /** T: the highest LSN the session has written or observed; an upper bound of what it saw. */
    public long token() {
        return consistency.position().observed();
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
            return onPrimary(analysis, sql, parameters, work);
        }
        if (effectiveAutoCommit()) {
            if (analysis.isRoutedRead()) {
                int node = consistency.routeRead();
                return node > 0 ? onReplica(node, analysis, sql, work) : onPrimary(analysis, sql, parameters, primaryRead(work));
            }
            requireWritable(analysis);
            return onPrimary(analysis, sql, parameters, work);
        }
        if (readOnlyTransaction()) {
            requireWritable(analysis);
            if (pinnedNode < 0) {
                pinnedNode = consistency.routeRead();
                if (pinnedNode > 0) {
                    beginSnapshot(nodes.get(pinnedNode));
                }
            }
            if (pinnedNode > 0) {
                T result = work.run(nodes.get(pinnedNode), pinnedNode);
                consistency.afterRead(pinnedNode);
                return result;
            }
        }
        if (!readOnlyTransaction()) {
            countPrimaryRead(analysis);
        }
        return onPrimary(analysis, sql, parameters, work);
    }

    private void countPrimaryRead(StatementAnalysis analysis) {
        if (analysis.kind() == StatementKind.QUERY) {
            consistency.countPrimaryRead();
        }
    }

    /** A read-only transaction reads one replica as one snapshot, from its first statement on. */
    private static void beginSnapshot(Connection replica) throws SQLException {
        replica.setAutoCommit(false);
        // H2's REPEATABLE READ snapshots each table at its first read; its SERIALIZABLE snapshots
        // the whole database at once, which is what a read-only transaction needs.
        replica.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
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
                    replica.setAutoCommit(true);
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
        if (!effectiveAutoCommit() && (gateWriter.inside() || pinnedNode >= 0)) {
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
        if (analysis.kind() != StatementKind.DDL) {
            enterWriterGate(null);
        }
        return onPrimary(analysis, sql, null, work);
    }

    private <T> T onReplica(int index, StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        T result;
        // h2fix (issue 17): a read that overlaps the replica's DDL apply or rebuild, or fails inside it, is the primary's.
        ReadFence fence = cluster.replicas().get(index - 1).applier().fence();
        long stamp = fence.enter();
        if (stamp < 0) {
            return onPrimary(analysis, sql, null, primaryRead(work));
        }
        try {
            result = work.run(nodes.get(index), index);
        } catch (SQLNonTransientConnectionException e) {
            nodes.drop(index);
            return onPrimary(analysis, sql, null, primaryRead(work));
        } catch (SQLException e) { // h2fix
            if (!fence.reroute(stamp, e)) {
                throw e;
            }
            return onPrimary(analysis, sql, null, primaryRead(work));
        }
        if (!fence.held(stamp)) { // h2fix
            ReadFence.discard(result);
            return onPrimary(analysis, sql, null, primaryRead(work));
        }
        consistency.afterRead(index);
        return result;
    }

    // h2fix (issue 17): a read on the primary that overlapped DDL there runs again once the DDL is done.
    private <T> NodeWork<T> primaryRead(NodeWork<T> work) {
        ReadFence fence = cluster.sequencer().primaryFence();
        return (node, index) -> fence.whole(() -> work.run(node, index));
    }

    private <T> T onPrimary(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        StatementKind kind = analysis.kind();
        if (kind == StatementKind.DDL) {
            return schemaChanging(analysis, sql, work);
        }
        if (analysis.mustRunOnPrimary()) {
            enterWriterGate(analysis);
        }
        Connection primary = nodes.get(0);
        lock(analysis, primary, parameters);
        long schemaVersion = kind == StatementKind.OTHER ? schemaVersion(primary) : 0;
        long ddlSeen = kind == StatementKind.OTHER ? cluster.sequencer().ddlStarted() : 0;
        int mark = capture.mark();
        T result;
        try {
            result = work.run(primary, 0);
        } catch (SQLException e) {
            capture.truncate(mark);
            if (effectiveAutoCommit()) {
                rollbackPrimary();
            }
            throw e;
        }
        if (kind == StatementKind.OTHER && schemaVersion(primary) != schemaVersion
                && changedTheSchemaItself(analysis, ddlSeen)) {
            schemaChangedUnseen(primary);
        } else if (effectiveAutoCommit()) {
            commitPrimary();
        }
        consistency.afterRead(0);
        return result;
    }

    /**
     * Takes the statement's locks (SPEC §4). A deadlock victim or a lock timeout rolls the whole
     * transaction back before the 40001 reaches the caller, who may then retry.
     */
    private void lock(StatementAnalysis analysis, Connection primary, IntFunction<Object> parameters)
            throws SQLException {
        try {
            if (locks.mustLock(analysis, serializable())) {
                locks.acquire(analysis, schema(primary), primary, schemaVersion(primary), parameters);
            }
        } catch (SQLException e) {
            if (LockManager.ROLLED_BACK.equals(e.getSQLState())) {
                if (e.getMessage().startsWith("Deadlock")) {
                    cluster.routingStats().increment(consistency.level(), RoutingStats.Counter.DEADLOCKS);
                }
                endSnapshot(false);
                rollbackPrimary();
                endTransaction();
            }
            throw e;
        }
    }

    private String schema(Connection primary) throws SQLException {
        if (currentSchema == null) {
            currentSchema = primary.getSchema();
        }
        return currentSchema;
    }

    /**
     * H2's schema counter is the database's: it also moves for DDL of other sessions. When another
     * DDL ran meanwhile, only a statement that could be DDL (several statements, or a DDL word in
     * it) is taken to have changed the schema itself.
     */
    private boolean changedTheSchemaItself(StatementAnalysis analysis, long ddlSeen) {
        if (cluster.sequencer().ddlStarted() == ddlSeen && !cluster.sequencer().ddlRunning()) {
            return true;
        }
        return analysis.statementCount() > 1 || DDL_WORD.matcher(analysis.sql()).find();
    }

    private static final java.util.regex.Pattern DDL_WORD = java.util.regex.Pattern.compile(
            "(?i)\\b(CREATE|ALTER|DROP|TRUNCATE|RENAME|COMMENT|GRANT|REVOKE)\\b");

    /**
     * A statement Lattice could not read (several statements in one string, a procedure) changed
     * the schema. H2 has committed whatever ran before the change; ship what was captured, then
     * have every replica rebuilt from a snapshot, since the change cannot be replayed as text.
     */
    private void schemaChangedUnseen(Connection primary) throws SQLException {
        commitPrimary();
        cluster.sequencer().whileNoCommits(() -> {
            TriggerInstaller.installMissing(primary);
            warn(consistency.afterCommit(cluster.sequencer().logResync(primary, logInsert())));
            return null;
        });
    }

    /**
     * DDL runs once no open transaction writes its tables (the schema gate), and with no commit in
     * progress, so the statement and its log entry are one step in commit order and no snapshot
     * sees the one without the other. The rows it touched in doing so (H2 copies a table to alter
     * it) are not shipped: replaying the text makes them on the replica.
     */
    private <T> T schemaChanging(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        if (gateWriter.inside() || locks.owner().holdsLocks()) {
            // H2 commits the open transaction before DDL; log it first, in its own LSN.
            commitPrimary();
        }
        Connection primary = nodes.get(0);
        // Locks first: inside the gate no transaction could commit and release what DDL waits for.
        lock(analysis, primary, null);
        SchemaGate gate = cluster.schemaGate();
        SchemaGate.Ddl turn = gate.enterDdl(ddlTables(analysis, primary));
        try {
            return cluster.sequencer().whileNoCommits(() -> runDdl(sql, work, primary));
        } finally {
            gate.exitDdl(turn);
            // DDL has committed in H2 whatever the session had open: the transaction is over.
            commitPrimary();
            consistency.afterRead(0);
        }
    }

    private <T> T runDdl(String sql, NodeWork<T> work, Connection primary) throws SQLException {
        int mark = capture.mark();
        T done;
        cluster.sequencer().ddlStarting();
        try {
            done = work.run(primary, 0);
        } catch (SQLException e) {
            if (effectiveAutoCommit()) {
                rollbackPrimary();
            }
            throw e;
        } finally {
            capture.truncate(mark);
            cluster.sequencer().ddlFinished();
        }
        if (remotePrimary) {
            CaptureTable.discard(primary);
        }
        TriggerInstaller.installMissing(primary);
        warn(consistency.afterCommit(cluster.sequencer().logDdl(primary, logInsert(), sql, primary.getSchema())));
        return done;
    }

    /** The tables a DDL statement changes or references (none for CREATE SEQUENCE), or null when it may touch any. */
    private List<TableId> ddlTables(StatementAnalysis analysis, Connection primary) throws SQLException {
        if (analysis.mayTouchAnything()) {
            return null;
        }
        return tableIds(analysis.tables(), primary);
    }

    /** The tables a write registers with the schema gate, or null when it may write any. */
    private List<TableId> writeTables(StatementAnalysis analysis, Connection primary) throws SQLException {
        if (analysis.kind() == StatementKind.OTHER || analysis.mayTouchAnything()) {
            return null;
        }
        if (!analysis.forUpdate()) {
            return tableIds(analysis.writtenTables(), primary);
        }
        List<TableId> tables = tableIds(analysis.writtenTables(), primary);
        tables.addAll(tableIds(analysis.readTables(), primary));
        return tables;
    }

    private List<TableId> tableIds(java.util.Collection<TableName> names, Connection primary) throws SQLException {
        List<TableId> ids = new java.util.ArrayList<>(names.size());
        String schema = names.isEmpty() ? null : schema(primary);
        for (TableName name : names) {
            ids.add(new TableId(name.schema().orElse(schema), name.name()));
        }
        return ids;
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
        enterWriterGate(analysis);
        Connection primary = nodes.get(0);
        try {
            for (int i = 0; i < size; i++) {
                lock(analysis, primary, parameters.apply(i));
                int mark = capture.mark();
                if (!work.run(primary, 0, i)) {
                    capture.truncate(mark);
                }
            }
        } catch (SQLException e) {
            if (effectiveAutoCommit()) {
                rollbackPrimary();
            }
            throw e;
        }
        if (effectiveAutoCommit()) {
            commitPrimary();
        }
        consistency.afterRead(0);
    }

    /** Commits the open transaction of the primary, giving it an LSN if it wrote anything. */
    public void commit() throws SQLException {
        checkOpen();
        try {
            endSnapshot(true);
            commitPrimary();
        } finally {
            endTransaction();
        }
    }

    public void rollback() throws SQLException {
        checkOpen();
        try {
            endSnapshot(false);
            rollbackPrimary();
        } finally {
            endTransaction();
        }
    }

    private void commitPrimary() throws SQLException {
        Connection primary = nodes.ifOpen(0);
        if (primary == null) {
            exitWriterGate();
            locks.endTransaction();
            return;
        }
        try {
            List<RowChange> changes = remotePrimary
                    ? (gateWriter.inside() ? CaptureTable.drain(primary) : List.of()) : capture.drain();
            long lsn = cluster.sequencer().commit(primary, logInsert(), changes);
            if (lsn > 0) {
                warn(consistency.afterCommit(lsn));
            }
        } catch (SQLException e) {
            capture.clear();
            try {
                primary.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            clearSavepoints();
            exitWriterGate();
            locks.endTransaction();
        }
    }

    private void rollbackPrimary() throws SQLException {
        capture.clear();
        clearSavepoints();
        try {
            Connection primary = nodes.ifOpen(0);
            if (primary != null) {
                primary.rollback();
            }
        } finally {
            exitWriterGate();
            locks.endTransaction();
        }
    }

    public Savepoint setSavepoint(String name) throws SQLException {
        requireTransaction();
        Connection primary = nodes.get(0);
        Savepoint sp = name == null ? primary.setSavepoint() : primary.setSavepoint(name);
        savepointMarks.put(sp, capture.mark());
        return sp;
    }

    public void rollback(Savepoint savepoint) throws SQLException {
        requireTransaction();
        Integer mark = savepointMarks.get(savepoint);
        if (mark == null) {
            throw new SQLException("Savepoint is not valid in this transaction", "3B001");
        }
        nodes.get(0).rollback(savepoint);
        capture.truncate(mark);
    }

    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        requireTransaction();
        if (savepointMarks.remove(savepoint) == null) {
            throw new SQLException("Savepoint is not valid in this transaction", "3B001");
        }
        nodes.get(0).releaseSavepoint(savepoint);
    }

    /** SQL {@code SAVEPOINT name}, run on the primary. */
    public void savepoint(String name, String sql) throws SQLException {
        requireTransaction();
        runOnPrimary(sql);
        namedSavepointMarks.put(name, capture.mark());
    }

    /** SQL {@code ROLLBACK TO SAVEPOINT name}, run on the primary. */
    public void rollbackToSavepoint(String name, String sql) throws SQLException {
        requireTransaction();
        Integer mark = namedSavepointMarks.get(name);
        runOnPrimary(sql);
        if (mark != null) {
            capture.truncate(mark);
        }
    }

    /** SQL {@code RELEASE SAVEPOINT name}, run on the primary. */
    public void releaseSavepoint(String name, String sql) throws SQLException {
        requireTransaction();
        runOnPrimary(sql);
        namedSavepointMarks.remove(name);
    }

    private void runOnPrimary(String sql) throws SQLException {
        try (java.sql.Statement s = nodes.get(0).createStatement()) {
            s.execute(sql);
        }
    }

    private void clearSavepoints() {
        savepointMarks.clear();
        namedSavepointMarks.clear();
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
        if (gateWriter.inside() || pinnedNode >= 0) {
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
        // SERIALIZABLE is Lattice's two-phase locking over H2's READ COMMITTED: H2's own
        // SERIALIZABLE is snapshot isolation, and a snapshot older than a lock would read stale rows.
        int h2Level = serializable ? Connection.TRANSACTION_READ_COMMITTED : level;
        Connection primary = nodes.get(0);
        if (!forSession && restoreIsolation < 0) {
            restoreIsolation = primary.getTransactionIsolation();
        }
        primary.setTransactionIsolation(h2Level);
        if (forSession) {
            restoreIsolation = -1;
        }
    }

    /** The isolation level the session reports: SERIALIZABLE when it runs under 2PL. */
    public int isolation() throws SQLException {
        return serializableSession || serializableTransaction ? Connection.TRANSACTION_SERIALIZABLE
                : nodes.get(0).getTransactionIsolation();
    }

    private void endTransaction() throws SQLException {
        inTransactionBlock = false;
        transactionReadOnly = false;
        serializableTransaction = false;
        if (restoreIsolation >= 0) {
            int level = restoreIsolation;
            restoreIsolation = -1;
            Connection primary = nodes.ifOpen(0);
            if (primary != null) {
                primary.setTransactionIsolation(level);
            }
        }
    }

    public boolean autoCommit() {
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

    /** An H2 session setting (SET ...), replayed on every node the session uses. */
    public void applySetting(String sql) throws SQLException {
        checkOpen();
        nodes.applySetting(sql);
        currentSchema = null;
    }

    /** The primary's H2 connection, for what only the primary can answer (metadata, LOB factories). */
    public Connection primaryConnection() throws SQLException {
        checkOpen();
        return nodes.get(0);
    }


    public boolean isClosed() {
        return closed;
    }

    /**
     * Cancels what the session is doing, from another thread: a read waiting for a replica to
     * catch up fails at once with 57014. (The H2 statement itself is cancelled by its caller.)
     */
    public void cancel() {
        consistency.cancelWait();
    }

    /** Rolls back what is open, releases the gate, and closes every node connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            endSnapshot(false);
            rollbackPrimary();
        } catch (SQLException ignored) {
            // closing anyway
        }
        closeLogInsert();
        nodes.close();
        closed = true;
    }

    private void enterWriterGate(StatementAnalysis analysis) throws SQLException {
        cluster.schemaGate().write(gateWriter, analysis == null ? null : writeTables(analysis, nodes.get(0)));
    }

    private void exitWriterGate() {
        cluster.schemaGate().leave(gateWriter);
    }

    private PreparedStatement logInsert() throws SQLException {
        if (logInsert == null && cluster.config().durable()) {
            logInsert = nodes.get(0).prepareStatement(DurableLog.INSERT);
        }
        return logInsert;
    }

    private void closeLogInsert() {
        if (logInsert != null) {
            try {
                logInsert.close();
            } catch (SQLException ignored) {
                // the connection goes next
            }
            logInsert = null;
        }
    }

    /**
     * A number that changes whenever the primary's schema does: H2's own counter for an embedded
     * primary; for a remote one, the count of DDL statements Lattice has logged.
     */
    private long schemaVersion(Connection primary) throws SQLException {
        if (remotePrimary) {
            return cluster.sequencer().schemaChanges();
        }
        SessionLocal session = (SessionLocal) primary.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getModificationMetaId();
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("The connection is closed", "08003");
        }
    }
}
