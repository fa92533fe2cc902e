package dev.lattice.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * The statement a session runs on a node now, so that a cancel from another thread stops it
 * however early it comes.
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

    /** Before the statement executes: from now until {@link #end}, {@link #cancel} stops it. */
    public synchronized void start(Statement statement) {
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

    /** From another thread: stops the running statement, if any; whether there was one. */
    public synchronized boolean cancel() {
        Statement s = statement;
        if (s == null) {
            return false;
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
