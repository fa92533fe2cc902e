package dev.lattice.routing;

import dev.lattice.cluster.EmbeddedSession;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;

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
    /**
     * Counts {@link #begin} and {@link #finish} (only the statement's own thread writes it): odd while
     * a JDBC call is under way, and then it names that call.
     */
    private volatile long call;
    /** The call a cancel came for while it had no node statement running, else -1. */
    private long cancelledCall = -1;

    /** A JDBC call that may run node statements begins: a cancel from now on stops it. */
    public void begin() {
        call = call + 1;
    }

    /** The JDBC call ended, however it ended: a cancel now has nothing to stop. */
    public void finish() {
        call = call + 1;
    }

    /**
     * Before a node statement executes: from now until {@link #end}, {@link #cancel} stops it.
     *
     * @throws SQLException 57014 when the call was cancelled before this statement started
     */
    public synchronized void start(Statement statement) throws SQLException {
        if (cancelledCall == call) {
            cancelledCall = -1;
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
            long now = call;
            if ((now & 1) == 0) {
                return false; // between calls
            }
            cancelledCall = now; // a later call has another number: this cancel cannot reach it
            return true;
        }
        try {
            SessionLocal h2 = EmbeddedSession.of(s.getConnection());
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
}
