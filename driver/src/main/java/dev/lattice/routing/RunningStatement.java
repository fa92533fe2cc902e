package dev.lattice.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * The statement a session runs on a node now, so that a cancel from another thread stops it
 * however early it comes.
 *
 * <p>From {@link #begin} (the JDBC call entered Lattice) until a node statement starts, a cancel
 * is kept: the node statement is then refused at {@link #start} with 57014, before anything of it
 * ran (before, a cancel that came while Lattice was still routing or preparing was lost, and the
 * statement ran to its end). {@link #finish} drops a cancel that found nothing left to stop.
 *
 * <p>H2's {@code Statement.cancel()} does nothing until the statement's command has started, so a
 * cancel that lands between {@link #start} and that moment would be lost. On an H2 node the cancel
 * is therefore also left on the node's H2 session, which H2 checks while the command runs; if the
 * statement ends before any check, {@link #end} takes it back, so it never reaches the next one.
 */
public final class RunningStatement {

    private Statement statement;
    /** The H2 session a cancel was left on during this statement, else null. */
    private SessionLocal cancelled;
    /** Whether a JDBC call is under way, between {@link #begin} and {@link #finish}. */
    private boolean executing;
    /** A cancel that came while the call had no node statement running. */
    private boolean cancelPending;

    /** A JDBC call that may run node statements begins: a cancel from now on stops it. */
    public synchronized void begin() {
        executing = true;
        cancelPending = false;
    }

    /** The JDBC call ended, however it ended: a cancel now has nothing to stop. */
    public synchronized void finish() {
        executing = false;
        cancelPending = false;
    }

    /**
     * Before a node statement executes: from now until {@link #end}, {@link #cancel} stops it.
     *
     * @throws SQLException 57014 when the call was cancelled before this statement started
     */
    public synchronized void start(Statement statement) throws SQLException {
        if (cancelPending) {
            cancelPending = false;
            throw new SQLTimeoutException("Canceling statement due to user request", "57014");
        }
        this.statement = statement;
    }

    /** After the statement ended, however it ended. */
    public synchronized void end() {
        statement = null;
        if (cancelled != null) {
            cancelled.setQueryTimeout(cancelled.getQueryTimeout()); // clears a cancel no check consumed
            cancelled = null;
        }
    }

    /** From another thread: stops the running call, if any; whether there was one. */
    public synchronized boolean cancel() {
        Statement s = statement;
        if (s == null) {
            cancelPending = executing;
            return executing;
        }
        try {
            SessionLocal h2 = h2Session(s.getConnection());
            if (h2 != null) {
                h2.cancel();
                cancelled = h2;
            }
            s.cancel();
        } catch (SQLException finishedMeanwhile) {
            // closed under us: nothing left to stop
        }
        return true;
    }

    private static SessionLocal h2Session(Connection node) throws SQLException {
        return node.isWrapperFor(JdbcConnection.class)
                && node.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local ? local : null;
    }
}
