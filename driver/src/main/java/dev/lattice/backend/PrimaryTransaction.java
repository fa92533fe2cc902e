package dev.lattice.backend;

import dev.lattice.routing.BatchWork;
import dev.lattice.routing.NodeWork;
import dev.lattice.sql.analysis.StatementAnalysis;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.function.IntFunction;

/**
 * One session's work on the primary: statements, commit with its position, rollback and
 * savepoints. The H2 backend captures row changes and orders them in its log; the PostgreSQL
 * backend reads the WAL position after COMMIT.
 */
public interface PrimaryTransaction extends AutoCloseable {

    /** Called when the session has connected to the primary, before its settings (SET ...) are replayed there. */
    default void connected(Connection primary) throws SQLException {
    }

    /** Called when the session has opened a connection to the primary, before its first statement. */
    default void opened(Connection primary) throws SQLException {
    }

    /** Called before the session closes its connection to the primary. */
    default void closing(Connection primary) {
    }

    /**
     * Runs a statement on the primary; in autocommit it commits too.
     *
     * @param parameters the value bound to parameter n (1-based), so row locks can name rows; may be null
     */
    <T> T run(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException;

    /** Runs a batch of one prepared statement as one unit (one transaction in autocommit). */
    void runBatch(StatementAnalysis analysis, int size, IntFunction<IntFunction<Object>> parameters, BatchWork work)
            throws SQLException;

    /** Runs on the primary whatever the statement is, as a writer (CallableStatement executions). */
    /**
     * Whether an autocommit write now would wait for nothing Lattice can see ahead (DDL at the
     * schema gate, replicas far enough behind to throttle the commit); false where unknown.
     */
    default boolean writesAtOnce() {
        return false;
    }

    /**
     * Runs an autocommit write that must not wait: what would wait (a row lock another
     * transaction holds, DDL at the schema gate) fails it with {@link WouldWait}, with nothing of
     * it done.
     */
    default <T> T runAtOnce(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        throw new WouldWait("a node that cannot run a write at once", null);
    }

    /**
     * Runs an autocommit read routed to the primary that must not wait: what would wait (a table
     * lock DDL holds, a schema change overlapping the read) fails it with {@link WouldWait}, its
     * result thrown away.
     */
    default <T> T readAtOnce(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        throw new WouldWait("a node that cannot run a read at once", null);
    }

    <T> T runAsWriter(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException;

    /** The work of a read routed to the primary, made safe against what else runs there (DDL, for H2). */
    default <T> NodeWork<T> routedRead(NodeWork<T> work) {
        return work;
    }

    /** Whether the transaction has written or holds anything that COMMIT or ROLLBACK must end. */
    boolean writing();

    /** Commits what is open; the session's commit rules (STRONG, QUORUM) then apply to the returned position. */
    void commit() throws SQLException;

    void rollback() throws SQLException;

    Savepoint setSavepoint(String name) throws SQLException;

    void rollback(Savepoint savepoint) throws SQLException;

    void releaseSavepoint(Savepoint savepoint) throws SQLException;

    /** SQL SAVEPOINT / ROLLBACK TO SAVEPOINT / RELEASE SAVEPOINT, as text. */
    void savepointStatement(String name, String sql, SavepointAction action) throws SQLException;

    /** Sets the isolation level the primary runs this session's transactions at. */
    void setIsolation(int jdbcLevel) throws SQLException;

    int isolation() throws SQLException;

    /**
     * Before the first statement of a read-only transaction that runs on the primary: the
     * transaction reads one snapshot there (REPEATABLE READ, PostgreSQL's snapshot).
     */
    default void snapshotIsolation() throws SQLException {
        setIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
    }

    /** Before a session setting (SET ...) runs on the primary: ends what the primary would end by running it. */
    default void beforeSetting(String sql) throws SQLException {
    }

    /** After a session setting (SET ...) ran on the primary: what depends on it (the current schema) is read again. */
    default void settingApplied() {
    }

    /** Cancels a wait of this transaction (for a lock, say) now under way, from another thread. */
    default void cancel() {
    }

    /** Rolls back what is open and closes the connection. */
    @Override
    void close();

    /** What a savepoint statement does. */
    enum SavepointAction { SET, ROLLBACK_TO, RELEASE }
}
