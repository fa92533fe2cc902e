package dev.lattice.backend.postgres;

import dev.lattice.backend.NodeFailure;
import dev.lattice.backend.PrimaryLink;
import dev.lattice.backend.PrimaryTransaction;
import dev.lattice.backend.SessionContext;
import dev.lattice.routing.BatchWork;
import dev.lattice.routing.NodeWork;
import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.function.IntFunction;

/**
 * A session's transaction on the PostgreSQL primary. PostgreSQL orders and replicates it; after a
 * COMMIT that may have written, W is read on the same connection (see {@link #COMMIT_POSITION}). SERIALIZABLE
 * is PostgreSQL's own (its serialization failures are 40001, to be retried).
 */
final class PgTransaction implements PrimaryTransaction {

    /**
     * W after a COMMIT: the flush position when the session commits synchronously (COMMIT returned
     * once its record was flushed, so the flush position is past it, and the standbys receive
     * everything up to it without waiting for anyone else's commit); the insert position when
     * {@code synchronous_commit = off} (the record may not be flushed yet). The insert position
     * alone would also cover other sessions' records not yet flushed, and a read of the session's
     * own write would then wait for their flush.
     */
    private static final String COMMIT_POSITION = "SELECT (CASE WHEN current_setting('synchronous_commit') = 'off'"
            + " THEN pg_current_wal_insert_lsn() ELSE pg_current_wal_flush_lsn() END)::text";

    private final PgBackend backend;
    private final SessionContext session;
    private final PrimaryLink link;
    /** Whether the open transaction ran anything that may have written (so COMMIT has a position to read). */
    private boolean mayHaveWritten;
    /** Whether a manual transaction has run a statement (so its isolation can no longer change). */
    private boolean begun;
    private int isolation = Connection.TRANSACTION_READ_COMMITTED;
    private int applied = -1;

    PgTransaction(PgBackend backend, SessionContext session, PrimaryLink link) {
        this.backend = backend;
        this.session = session;
        this.link = link;
    }

    /**
     * The connection in the session's commit mode (autocommit statements run as PostgreSQL
     * autocommits them) and isolation: PostgreSQL's SERIALIZABLE while the session's level is.
     */
    private Connection connection() throws SQLException {
        Connection c = link.get();
        boolean auto = session.autoCommit();
        if (c.getAutoCommit() != auto) {
            c.setAutoCommit(auto);
        }
        int wanted = session.serializable() ? Connection.TRANSACTION_SERIALIZABLE : isolation;
        if (wanted != applied && !begun) {
            c.setTransactionIsolation(wanted);
            applied = wanted;
        }
        begun = !auto;
        return c;
    }

    @Override
    public <T> T run(StatementAnalysis analysis, String sql, IntFunction<Object> parameters, NodeWork<T> work)
            throws SQLException {
        Connection c = connection();
        boolean writes = mayWrite(analysis);
        T result;
        try {
            result = work.run(c, 0);
        } catch (SQLException e) {
            failed(e);
            throw e;
        }
        if (writes) {
            mayHaveWritten = true;
        }
        session.readPrimary();
        if (session.autoCommit()) {
            committed(c); // W bounds what the statement saw too: no extra round trip to bound it
        }
        return result;
    }

    private static boolean mayWrite(StatementAnalysis analysis) {
        StatementKind kind = analysis.kind();
        return kind != StatementKind.QUERY || analysis.forUpdate() || analysis.mustRunOnPrimary();
    }

    @Override
    public void runBatch(StatementAnalysis analysis, int size, IntFunction<IntFunction<Object>> parameters,
                         BatchWork work) throws SQLException {
        Connection c = connection();
        boolean auto = session.autoCommit();
        // a batch is one unit: one transaction in autocommit
        if (c.getAutoCommit()) {
            c.setAutoCommit(false);
        }
        mayHaveWritten = true;
        try {
            for (int i = 0; i < size; i++) {
                work.run(c, 0, i);
            }
        } catch (SQLException e) {
            if (auto) {
                c.rollback();
                mayHaveWritten = false;
            }
            failed(e);
            throw e;
        }
        session.readPrimary();
        if (auto) {
            c.commit();
            committed(c);
        }
    }

    @Override
    public <T> T runAsWriter(StatementAnalysis analysis, String sql, NodeWork<T> work) throws SQLException {
        mayHaveWritten = true;
        return run(analysis, sql, null, work);
    }

    /** A statement failed: a broken connection is noticed by the pollers at once. */
    private void failed(SQLException e) {
        if (NodeFailure.connectionLost(e)) {
            mayHaveWritten = false;
            begun = false;
            applied = -1;
            link.reset();
            backend.refresh();
        }
    }

    /** After a commit: W, an upper bound of the commit's position, read on the same connection. */
    private void committed(Connection c) throws SQLException {
        if (!mayHaveWritten) {
            return;
        }
        mayHaveWritten = false;
        boolean auto = c.getAutoCommit();
        if (!auto) {
            c.setAutoCommit(true); // so reading the position opens no transaction
        }
        long w;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COMMIT_POSITION)) {
            rs.next();
            w = WalPosition.parse(rs.getString(1));
        } finally {
            if (!auto) {
                c.setAutoCommit(false);
            }
        }
        backend.committedAt(w);
        if (session.level() != ConsistencyLevel.STRONG) {
            backend.acknowledgedOutsideSyncSet(w); // before the session's acknowledgement
        }
        session.committed(w);
    }

    /**
     * A SET outside a transaction block takes effect at once, as in PostgreSQL: it must not leave
     * the connection inside a transaction (a later BEGIN could then not set its isolation).
     */
    @Override
    public void settingApplied() {
        Connection c = link.ifOpen();
        try {
            if (c != null && session.autoCommit() && !c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            failed(e);
        }
    }

    @Override
    public boolean writing() {
        return mayHaveWritten;
    }

    @Override
    public void commit() throws SQLException {
        begun = false;
        Connection c = link.ifOpen();
        if (c == null) {
            mayHaveWritten = false;
            return;
        }
        if (!c.getAutoCommit()) {
            try {
                c.commit();
            } catch (SQLException e) {
                mayHaveWritten = false;
                failed(e);
                throw e;
            }
        }
        committed(c);
    }

    @Override
    public void rollback() throws SQLException {
        mayHaveWritten = false;
        begun = false;
        Connection c = link.ifOpen();
        if (c != null && !c.getAutoCommit()) {
            c.rollback();
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        Connection c = connection();
        return name == null ? c.setSavepoint() : c.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        connection().rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        connection().releaseSavepoint(savepoint);
    }

    @Override
    public void savepointStatement(String name, String sql, SavepointAction action) throws SQLException {
        try (Statement s = connection().createStatement()) {
            s.execute(sql);
        }
    }

    /** Applied before the next transaction's first statement (PostgreSQL refuses it later). */
    @Override
    public void setIsolation(int jdbcLevel) throws SQLException {
        if (begun) {
            throw new SQLException("SET TRANSACTION ISOLATION LEVEL must be called before any query", "25001");
        }
        isolation = jdbcLevel;
    }

    @Override
    public int isolation() {
        return isolation;
    }

    @Override
    public void close() {
        try {
            rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
