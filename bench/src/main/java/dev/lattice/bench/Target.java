package dev.lattice.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A configuration under test: a small object that opens connections to one database or cluster.
 * Raw H2 and Lattice clusters are targets today; a SERIALIZABLE (2PL) session or the proxy reached
 * through pgjdbc are further targets, nothing else in the harness needs to change for them.
 */
public interface Target extends AutoCloseable {

    /** Short name for tables and CSV, e.g. {@code h2} or {@code causal}. */
    String name();

    /** What it is, e.g. its JDBC URL. */
    String description();

    /** A new connection for one client thread. */
    Connection open() throws SQLException;

    /**
     * Called after a window of writes, outside the measured time: waits (at most the timeout) until
     * every replica has applied what the primary committed, so the next window does not pay for
     * this one's apply work.
     */
    default Settled settle(long timeoutMillis) throws SQLException {
        return Settled.NOTHING;
    }

    /** Stops whatever the target started (databases, appliers). */
    @Override
    default void close() {
    }

    /** What {@link #settle} found: LSNs the slowest replica was behind at the call, and how long it took. */
    record Settled(long backlogLsn, double millis, boolean caughtUp) {
        static final Settled NOTHING = new Settled(0, 0, true);
    }
}
