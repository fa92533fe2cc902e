package dev.lattice.backend.h2;

import dev.lattice.backend.PrimaryLink;
import dev.lattice.backend.PrimaryTransaction;
import dev.lattice.backend.SessionContext;
import dev.lattice.backend.WouldWait;
import dev.lattice.cluster.EmbeddedSession;
import dev.lattice.locking.LockManager;
import dev.lattice.locking.SessionLocks;
import dev.lattice.replication.CaptureRegistry;
import dev.lattice.replication.CaptureTable;
import dev.lattice.replication.ChangeCapture;
import dev.lattice.replication.CommitSequencer;
import dev.lattice.replication.DurableLog;
import dev.lattice.replication.ReadFence;
import dev.lattice.replication.RowChange;
import dev.lattice.replication.SchemaGate;
import dev.lattice.replication.TableId;
import dev.lattice.replication.TriggerInstaller;
import dev.lattice.routing.BatchWork;
import dev.lattice.routing.NodeWork;
import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementKind;
import dev.lattice.sql.analysis.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;

/**
 * A session's transaction on an H2 primary: its row changes captured, its locks taken (SPEC §4),
 * its commit given an LSN by the sequencer, DDL ordered through the schema gate and logged as text.
 */
final class H2Transaction implements PrimaryTransaction {

    private final H2Backend backend;
    private final SessionContext session;
    private final PrimaryLink link;
    private final CommitSequencer sequencer;
    private final ChangeCapture capture = new ChangeCapture();
    private final SessionLocks locks;
    private final SchemaGate.Writer gateWriter = new SchemaGate.Writer();
    private final Map<Savepoint, Integer> savepointMarks = new HashMap<>();
    private final Map<String, Integer> namedSavepointMarks = new HashMap<>();
    private boolean remotePrimary;
    private PreparedStatement logInsert;
    private String currentSchema;
    /** The last statement {@link #writeTables} answered for, under which current schema, and its answer. */
    private StatementAnalysis lastWrite;
    private String lastWriteSchema;
    private List<TableId> lastWriteTables;

    H2Transaction(H2Backend backend, SessionContext session, PrimaryLink link, SessionLocks locks) {
        this.backend = backend;
        this.session = session;
        this.link = link;
        this.sequencer = backend.sequencer();
        this.locks = locks;
        this.remotePrimary = !backend.primaryNode().embedded();
    }

    /**
     * H2's row-lock waits last lockTimeout too: writers that elide Lattice's locks wait there (a
     * SET LOCK_TIMEOUT of the session, replayed after this, still wins).
     */
    @Override
    public void connected(Connection primary) throws SQLException {
        try (java.sql.Statement s = primary.createStatement()) {
            s.execute("SET LOCK_TIMEOUT " + Math.min(Integer.MAX_VALUE, backend.config().lockTimeoutMillis()));
        }
    }

    @Override
    public void opened(Connection primary) throws SQLException {
        remotePrimary = !backend.primaryNode().embedded(); // the primary may have changed (ALTER CLUSTER PROMOTE)
        if (remotePrimary) {
            CaptureTable.mark(primary);
        } else {
            CaptureRegistry.register(primary, capture);
        }
    }

    @Override
    public void closing(Connection primary) {
        if (!remotePrimary) {
            CaptureRegistry.unregister(primary);
        }
        closeLogInsert();
    }

    @Override
    public <T> T run(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        StatementKind kind = analysis.kind();
        if (kind == StatementKind.DDL) {
            return schemaChanging(analysis, sql, work);
        }
        if (kind == StatementKind.OTHER && H2ImplicitCommits.byStatement(sql)) {
            commitBeforeH2Does();
        }
        if (analysis.mustRunOnPrimary()) {
            enterWriterGate(analysis);
        }
        return entered(analysis, sql, parameters, work);
    }

    @Override
    public boolean writesAtOnce() {
        return !remotePrimary && !backend.backpressure().near(backend.committedLsn());
    }

    /**
     * An autocommit write that must not wait: the schema gate is only tried, and H2 waits for no
     * row lock (lock timeout 0 for this statement). What would wait fails with WouldWait, rolled
     * back whole, before it committed.
     */
    @Override
    public <T> T runAtOnce(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        if (analysis.kind() != StatementKind.DML || !session.autoCommit() || remotePrimary || gateWriter.inside()) {
            throw new WouldWait("a statement that may wait", null);
        }
        Connection primary = primaryConnection();
        if (!backend.schemaGate().tryWrite(gateWriter, writeTables(analysis, primary))) {
            throw new WouldWait("DDL on the tables it writes", null);
        }
        SessionLocal h2 = EmbeddedSession.of(primary);
        int lockTimeout = h2.getLockTimeout();
        h2.setLockTimeout(0);
        try {
            return entered(analysis, sql, parameters, work);
        } catch (SQLException e) {
            if (lockTimeout(e)) {
                throw new WouldWait("a row lock", e);
            }
            throw e;
        } finally {
            h2.setLockTimeout(lockTimeout);
        }
    }

    /**
     * A read at once on the primary: not while Lattice runs DDL there (the primary's read fence is
     * closed), with H2 waiting for no table lock (DDL by anyone holds one), and not kept when DDL
     * overlapped it; each of those is WouldWait, for the caller to run it again where it may wait.
     */
    @Override
    public <T> T readAtOnce(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        ReadFence fence = sequencer.primaryFence();
        long stamp = fence.enter();
        if (stamp < 0 || remotePrimary) {
            throw new WouldWait("DDL on the primary", null);
        }
        SessionLocal h2 = EmbeddedSession.of(primaryConnection());
        int lockTimeout = h2.getLockTimeout();
        h2.setLockTimeout(0);
        T result;
        try {
            result = run(analysis, sql, parameters, work);
        } catch (SQLException e) {
            if (lockTimeout(e) || !fence.held(stamp)) {
                throw new WouldWait("DDL on the tables it reads", e);
            }
            throw e;
        } finally {
            h2.setLockTimeout(lockTimeout);
        }
        if (!fence.held(stamp)) {
            ReadFence.discard(result);
            throw new WouldWait("DDL on the primary", null);
        }
        return result;
    }

    /**
     * Whether H2 rolled back the whole transaction rather than the statement: it does so for the
     * victim of a deadlock it found among row locks (writers eliding Lattice's locks meet there).
     */
    private static boolean rolledBackByH2(SQLException e) {
        return causedBy(e, ErrorCode.DEADLOCK_1, ErrorCode.DEADLOCK_1);
    }

    /** Whether H2 gave up a lock wait after the session's lock timeout (not one that was told not to wait). */
    private static boolean waitedOutLockTimeout(SQLException e) {
        return causedBy(e, ErrorCode.LOCK_TIMEOUT_1, ErrorCode.LOCK_TIMEOUT_1);
    }

    /** Whether H2 reported either error code anywhere in the failure's chain of causes. */
    private static boolean causedBy(SQLException e, int code, int orCode) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == code || s.getErrorCode() == orCode)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A lock wait over lockTimeout fails with 40001 (SPEC §4), the transaction rolled back whole as
     * after a lock timeout in Lattice's lock manager, so that a retry of the transaction is right.
     * The statement that would not wait (lock timeout 0) is WouldWait's, found by its cause.
     */
    private SQLException lockTimedOut(SQLException failure, SQLException h2) throws SQLException {
        Connection primary = link.ifOpen();
        SessionLocal h2Session = primary == null ? null : EmbeddedSession.of(primary);
        if (h2Session != null && h2Session.getLockTimeout() == 0) {
            return failure;
        }
        SQLException timedOut = new java.sql.SQLTransactionRollbackException("Lock timeout: the wait for a lock "
                + "another transaction holds lasted longer than the lock timeout; the transaction was rolled back ("
                + h2.getMessage().split("\n", 2)[0] + ")", LockManager.ROLLED_BACK, h2);
        if (!session.autoCommit()) {
            rollBackWhole(timedOut);
        }
        return timedOut;
    }

    /**
     * The transaction ends here, rolled back: as H2 did to a deadlock victim (Lattice's captured
     * changes would otherwise be shipped at the next commit), or after a lock timeout.
     */
    private void rollBackWhole(SQLException failure) throws SQLException {
        try {
            rollback();
        } catch (SQLException broken) {
            failure.addSuppressed(broken);
        }
        session.rolledBack(failure);
    }

    private static boolean lockTimeout(SQLException e) {
        return causedBy(e, ErrorCode.LOCK_TIMEOUT_1, ErrorCode.DEADLOCK_1);
    }

    /** A statement past the writer gate: its 2PL locks, its run, its capture, its commit in autocommit. */
    private <T> T entered(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        StatementKind kind = analysis.kind();
        Connection primary = primaryConnection();
        lock(analysis, primary, parameters);
        boolean unseenDdl = kind == StatementKind.OTHER && analysis.mayChangeSchema();
        long fingerprint = unseenDdl ? fingerprint(primary) : 0;
        long intent = unseenDdl ? intendUnseen(sql) : 0;
        int mark = capture.mark();
        T result;
        try {
            result = work.run(primary, 0);
        } catch (SQLException e) {
            capture.truncate(mark);
            SQLException failure = primaryFailed(e);
            if (session.autoCommit()) {
                try {
                    rollback();
                } catch (SQLException broken) {
                    failure.addSuppressed(broken);
                }
            } else if (rolledBackByH2(e)) {
                rollBackWhole(failure);
            }
            if (waitedOutLockTimeout(e)) {
                failure = lockTimedOut(failure, e);
            }
            if (unseenDdl) {
                try {
                    settleUnseen(primary, fingerprint, intent); // its DDL may have run before what failed
                } catch (SQLException broken) {
                    failure.addSuppressed(broken); // the intent stays: the next start rebuilds the replicas
                }
            }
            throw failure;
        }
        if (unseenDdl) {
            settleUnseen(primary, fingerprint, intent);
        } else if (session.autoCommit()) {
            commit();
        }
        session.readPrimary();
        return result;
    }

    /** H2 does not shield a query from DDL of another session: a read that overlapped DDL runs again after it. */
    @Override
    public <T> NodeWork<T> routedRead(NodeWork<T> work) {
        ReadFence fence = sequencer.primaryFence();
        return (node, index) -> fence.whole(() -> work.run(node, index));
    }

    @Override
    public <T> T runAsWriter(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        if (analysis.kind() != StatementKind.DDL) {
            enterWriterGate(null);
        }
        return run(analysis, sql, null, work);
    }

    /**
     * Takes the statement's locks (SPEC §4). A deadlock victim or a lock timeout rolls the whole
     * transaction back before the 40001 reaches the caller, who may then retry.
     */
    private void lock(StatementAnalysis analysis, Connection primary, IntFunction<Object> parameters)
            throws SQLException {
        try {
            if (locks.mustLock(analysis, session.serializable())) {
                locks.acquire(analysis, schema(primary), primary, schemaVersion(primary), parameters);
            }
        } catch (SQLException e) {
            if (LockManager.ROLLED_BACK.equals(e.getSQLState())) {
                rollback();
                session.rolledBack(e);
            } else if (session.autoCommit()) {
                rollback(); // the statement never ran: what it locked before (a cancelled wait, say) goes
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
     * Most of H2's settings commit the open transaction before they take effect; Lattice commits it
     * first, so its changes get their LSN instead of being committed on the primary unlogged. A
     * setting H2 rejects (it parses it here, which commits nothing) leaves the transaction open, as
     * it would without Lattice.
     */
    @Override
    public void beforeSetting(String sql) throws SQLException {
        if (!H2ImplicitCommits.bySetting(sql) || !(gateWriter.inside() || locks.owner().holdsLocks())) {
            return;
        }
        primaryConnection().prepareStatement(sql).close();
        commit();
    }

    /** Before a statement or call that makes H2 commit the open transaction: Lattice commits it, with its LSN. */
    private void commitBeforeH2Does() throws SQLException {
        if (gateWriter.inside() || locks.owner().holdsLocks()) {
            commit();
        }
    }

    /** After a session setting: the current schema may have changed. */
    @Override
    public void settingApplied() {
        currentSchema = null;
    }

    /**
     * Before a statement Lattice could not read that may change the schema: its intent, committed on
     * a connection of its own (see {@link CommitSequencer#intendUnseenDdl}); 0 for an in-memory log.
     */
    private long intendUnseen(String sql) throws SQLException {
        if (logInsert() == null) {
            return 0;
        }
        try (Connection side = backend.primaryNode().connectDirect()) {
            side.setAutoCommit(false);
            return sequencer.intendUnseenDdl(side, sql);
        }
    }

    /** After such a statement: a resynchronisation if the schema changed, else the intent goes. */
    private void settleUnseen(Connection primary, long fingerprint, long intent) throws SQLException {
        if (fingerprint(primary) != fingerprint) {
            schemaChangedUnseen(primary, intent);
            return;
        }
        if (intent != 0) {
            try (Connection side = backend.primaryNode().connectDirect()) {
                side.setAutoCommit(false);
                sequencer.dropUnseenIntent(side, intent);
            }
        }
        if (session.autoCommit()) {
            commit();
        }
    }

    /**
     * A statement Lattice could not read (several statements in one string, a procedure) changed
     * the schema. H2 has committed whatever ran before the change; ship what was captured, then
     * have every replica rebuilt from a snapshot, since the change cannot be replayed as text.
     */
    private void schemaChangedUnseen(Connection primary, long intent) throws SQLException {
        commit();
        long lsn = sequencer.whileNoCommits(() -> {
            TriggerInstaller.installMissing(primary);
            return sequencer.logResync(primary, logInsert(), intent);
        });
        session.committed(lsn);
    }

    /**
     * DDL runs once no open transaction writes its tables (the schema gate), and with no commit in
     * progress, so the statement and its log entry are one step in commit order and no snapshot
     * sees the one without the other. The rows it touched in doing so (H2 copies a table to alter
     * it) are not shipped: replaying the text makes them on the replica.
     */
    private <T> T schemaChanging(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        commitBeforeH2Does(); // H2 commits the open transaction before DDL: log it first, in its own LSN
        Connection primary = primaryConnection();
        // Locks first: inside the gate no transaction could commit and release what DDL waits for.
        lock(analysis, primary, null);
        SchemaGate gate = backend.schemaGate();
        SchemaGate.Ddl turn = gate.enterDdl(ddlTables(analysis, primary));
        long[] lsn = new long[1];
        try {
            return sequencer.whileNoCommits(() -> runDdl(analysis, sql, work, primary, lsn));
        } finally {
            gate.exitDdl(turn);
            // DDL has committed in H2 whatever the session had open: the transaction is over.
            commit();
            if (lsn[0] > 0) {
                session.committed(lsn[0]);
            }
            session.readPrimary();
        }
    }

    /**
     * Runs DDL and logs it as text, except DDL that fills a table from a query: its rows would be
     * computed again on each replica (NOW(), RAND(), defaults), so replicas copy them from a snapshot.
     */
    private <T> T runDdl(StatementAnalysis analysis, String sql, NodeWork<T> work, Connection primary, long[] lsn)
            throws SQLException {
        int mark = capture.mark();
        T done;
        sequencer.ddlStarting(primary, logInsert(), sql);
        try {
            done = work.run(primary, 0);
        } catch (SQLException e) {
            if (session.autoCommit()) {
                rollback();
            }
            try {
                sequencer.ddlFailed(primary, logInsert());
            } catch (SQLException broken) {
                e.addSuppressed(broken); // the intent stays: a restart rebuilds the replicas, which is safe
            }
            throw e;
        } finally {
            capture.truncate(mark);
        }
        if (remotePrimary) {
            CaptureTable.discard(primary);
        }
        TriggerInstaller.installMissing(primary);
        lsn[0] = analysis.copiesRows() ? sequencer.logResync(primary, logInsert(), 0)
                : sequencer.logDdl(primary, logInsert(), sql, primary.getSchema());
        return done;
    }

    /** The tables a DDL statement changes or references (none for CREATE SEQUENCE), or null when it may touch any. */
    private List<TableId> ddlTables(StatementAnalysis analysis, Connection primary) throws SQLException {
        if (analysis.mayTouchAnything()) {
            return null;
        }
        return tableIds(analysis.tables(), primary);
    }

    /**
     * The tables a write registers with the schema gate, or null when it may write any: a list the
     * gate may keep, the same one while the statement and the current schema stay (a prepared
     * statement run again).
     */
    private List<TableId> writeTables(StatementAnalysis analysis, Connection primary) throws SQLException {
        if (analysis.kind() == StatementKind.OTHER || analysis.mayTouchAnything()) {
            return null;
        }
        String schema = currentSchema;
        if (analysis == lastWrite && schema != null && schema == lastWriteSchema) {
            return lastWriteTables;
        }
        List<TableId> tables = tableIds(analysis.writtenTables(), primary);
        if (analysis.forUpdate()) {
            tables.addAll(tableIds(analysis.readTables(), primary));
        }
        lastWrite = analysis;
        lastWriteSchema = currentSchema;
        lastWriteTables = List.copyOf(tables);
        return lastWriteTables;
    }

    private List<TableId> tableIds(Collection<TableName> names, Connection primary) throws SQLException {
        List<TableId> ids = new ArrayList<>(names.size());
        String schema = names.isEmpty() ? null : schema(primary);
        for (TableName name : names) {
            ids.add(new TableId(name.schema().orElse(schema), name.name()));
        }
        return ids;
    }

    /** An element that fails leaves no captured change behind; the others stand. */
    @Override
    public void runBatch(StatementAnalysis analysis, int size, IntFunction<IntFunction<Object>> parameters,
                         BatchWork work) throws SQLException {
        enterWriterGate(analysis);
        Connection primary = primaryConnection();
        try {
            for (int i = 0; i < size; i++) {
                lock(analysis, primary, parameters.apply(i));
                int mark = capture.mark();
                if (!work.run(primary, 0, i)) {
                    capture.truncate(mark);
                }
            }
        } catch (SQLException e) {
            if (session.autoCommit()) {
                rollback();
            } else if (rolledBackByH2(e)) {
                rollBackWhole(e);
            }
            throw e;
        }
        if (session.autoCommit()) {
            commit();
        }
        session.readPrimary();
    }

    @Override
    public boolean writing() {
        return gateWriter.inside();
    }

    /** Commits the open transaction of the primary, giving it an LSN if it wrote anything. */
    @Override
    public void commit() throws SQLException {
        Connection primary = link.ifOpen();
        if (primary == null) {
            exitWriterGate();
            locks.endTransaction();
            return;
        }
        long lsn;
        try {
            List<RowChange> changes = remotePrimary
                    ? (gateWriter.inside() ? CaptureTable.drain(primary) : List.of()) : capture.drain();
            lsn = sequencer.commit(primary, logInsert(), changes, session.level() == ConsistencyLevel.STRONG);
        } catch (SQLException e) {
            capture.clear();
            SQLException failure = primaryFailed(e);
            try {
                primary.rollback();
            } catch (SQLException suppressed) {
                failure.addSuppressed(suppressed);
            }
            throw failure;
        } finally {
            clearSavepoints();
            exitWriterGate();
            locks.endTransaction();
        }
        if (lsn > 0) {
            backend.backpressure().admit(lsn);
            session.committed(lsn);
            ConsistencyLevel level = session.level();
            if (level == ConsistencyLevel.STRONG || level == ConsistencyLevel.QUORUM) {
                backend.syncAcknowledged(lsn);
            }
        }
    }

    /** The session's connection to the primary; 08006 at once when the primary is gone. */
    private Connection primaryConnection() throws SQLException {
        try {
            return link.get();
        } catch (SQLException e) {
            throw backend.primaryError(e);
        }
    }

    /**
     * After an error on the primary: a broken connection is dropped, so the session's next
     * statement connects afresh (to the primary once it is back or promoted).
     */
    private SQLException primaryFailed(SQLException e) {
        SQLException failure = backend.primaryError(e);
        if (PrimaryHealth.connectionError(e)) {
            capture.clear();
            link.reset();
        }
        return failure;
    }

    @Override
    public void rollback() throws SQLException {
        capture.clear();
        clearSavepoints();
        try {
            Connection primary = link.ifOpen();
            if (primary != null) {
                primary.rollback();
            }
        } finally {
            exitWriterGate();
            locks.endTransaction();
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        Connection primary = link.get();
        Savepoint sp = name == null ? primary.setSavepoint() : primary.setSavepoint(name);
        savepointMarks.put(sp, capture.mark());
        return sp;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        Integer mark = savepointMarks.get(savepoint);
        if (mark == null) {
            throw new SQLException("Savepoint is not valid in this transaction", "3B001");
        }
        link.get().rollback(savepoint);
        capture.truncate(mark);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        if (savepointMarks.remove(savepoint) == null) {
            throw new SQLException("Savepoint is not valid in this transaction", "3B001");
        }
        link.get().releaseSavepoint(savepoint);
    }

    @Override
    public void savepointStatement(String name, String sql, SavepointAction action) throws SQLException {
        Integer mark = namedSavepointMarks.get(name);
        try (java.sql.Statement s = link.get().createStatement()) {
            s.execute(sql);
        }
        switch (action) {
            case SET -> namedSavepointMarks.put(name, capture.mark());
            case ROLLBACK_TO -> {
                if (mark != null) {
                    capture.truncate(mark);
                }
            }
            case RELEASE -> namedSavepointMarks.remove(name);
        }
    }

    private void clearSavepoints() {
        savepointMarks.clear();
        namedSavepointMarks.clear();
    }

    /**
     * SERIALIZABLE is Lattice's two-phase locking over H2's READ COMMITTED: H2's own SERIALIZABLE
     * is snapshot isolation, and a snapshot older than a lock would read stale rows.
     */
    @Override
    public void setIsolation(int jdbcLevel) throws SQLException {
        commitBeforeH2Does(); // H2 commits the open transaction when the level is set, even to the same level
        link.get().setTransactionIsolation(jdbcLevel == Connection.TRANSACTION_SERIALIZABLE
                ? Connection.TRANSACTION_READ_COMMITTED : jdbcLevel);
    }

    /** H2's REPEATABLE READ takes each table's snapshot at its first read; its SERIALIZABLE is one snapshot. */
    @Override
    public void snapshotIsolation() throws SQLException {
        commitBeforeH2Does();
        link.get().setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
    }

    @Override
    public int isolation() throws SQLException {
        return link.get().getTransactionIsolation();
    }

    @Override
    public void close() {
        try {
            rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
        backend.schemaGate().forget(gateWriter);
    }

    private void enterWriterGate(StatementAnalysis analysis) throws SQLException {
        backend.schemaGate().write(gateWriter, analysis == null ? null : writeTables(analysis, primaryConnection()));
    }

    private void exitWriterGate() {
        backend.schemaGate().leave(gateWriter);
    }

    private PreparedStatement logInsert() throws SQLException {
        if (logInsert == null && backend.config().durable()) {
            logInsert = link.get().prepareStatement(DurableLog.INSERT);
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
     * Whether a statement Lattice could not read changed the schema: only one whose text may
     * (a schema-changing verb begins one of its statements) is checked, by the user schema's
     * fingerprint around it, so other sessions' DDL or settings meanwhile are not taken for its own.
     * With a remote primary, the count of DDL Lattice has logged (an unseen change is not detected).
     */
    private long fingerprint(Connection primary) throws SQLException {
        return remotePrimary ? sequencer.schemaChanges() : SchemaFingerprint.of(primary);
    }

    /**
     * A number that changes whenever the primary's schema does: H2's own counter for an embedded
     * primary; for a remote one, the count of DDL statements Lattice has logged.
     */
    private long schemaVersion(Connection primary) throws SQLException {
        if (remotePrimary) {
            return sequencer.schemaChanges();
        }
        return EmbeddedSession.of(primary).getDatabase().getModificationMetaId();
    }
}
