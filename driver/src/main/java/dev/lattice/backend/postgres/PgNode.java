package dev.lattice.backend.postgres;

import dev.lattice.cluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured PostgreSQL node and what its poller last saw of it: whether it is reachable and
 * in recovery, its timeline, and its position — the replay position of a standby
 * ({@code pg_last_wal_replay_lsn()}), the insert position of a primary
 * ({@code pg_current_wal_insert_lsn()}, an upper bound of every commit). The poller asks every few
 * milliseconds on a connection of its own, and at once when {@link #refresh()} is called.
 */
final class PgNode implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PgNode.class);

    /** One round trip: role, position, timeline, replay state and injected delay. */
    static final String POLL = "SELECT pg_is_in_recovery(),"
            + " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END::text,"
            + " CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)"
            + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,"
            + " pg_last_wal_replay_lsn()::text,"
            + " CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() ELSE 'not paused' END,"
            + " current_setting('recovery_min_apply_delay')";

    /**
     * How long a poll waits for the node, in seconds: one that does not answer by then (hung,
     * frozen, cut off) is unreachable, and serves no read, until a poll is answered again.
     */
    static final int POLL_TIMEOUT_SECONDS = 2;

    private final Node node;
    private final long intervalNanos;
    private final PgBackend backend;
    private volatile Thread thread;
    private volatile boolean stopped;
    private Connection connection;

    /** What one poll saw, published whole: a reader never mixes one poll's role with another's position. */
    private volatile Seen seen = new Seen(false, false, 0, -1, -1, false, "0");
    private volatile String lastError;

    PgNode(Node node, long intervalMillis, PgBackend backend) {
        this.node = node;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.backend = backend;
    }

    Node node() {
        return node;
    }

    /** Asks the node once, on the calling thread: at start, where a node that cannot be reached is an error. */
    void pollOnce() throws SQLException {
        if (connection == null) {
            connection = node.connectDirect(POLL_TIMEOUT_SECONDS);
            connection.setAutoCommit(true);
        }
        long sent = System.nanoTime();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(POLL)) {
            rs.next();
            boolean recovery = rs.getBoolean(1);
            long at = WalPosition.parse(rs.getString(2));
            int tli = rs.getInt(3);
            boolean tliKnown = !rs.wasNull() && tli > 0;
            seen = new Seen(true, recovery, tliKnown ? tli : seen.timeline(), at, WalPosition.parse(rs.getString(4)),
                    !"not paused".equals(rs.getString(5)), rs.getString(6));
            lastError = null;
            if (!recovery) {
                backend.primaryAt(this, sent, at);
            }
        }
    }

    void start() {
        Thread t = new Thread(this, "lattice-poll-" + node.name());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                pollOnce();
            } catch (SQLException | RuntimeException e) {
                unreachable(e);
            }
            backend.polled();
            LockSupport.parkNanos(this, seen.reachable() ? intervalNanos : intervalNanos * 10);
        }
        close();
    }

    private void unreachable(Exception e) {
        Seen was = seen;
        seen = was.unreachable();
        String message = String.valueOf(e.getMessage());
        if (was.reachable() || !message.equals(lastError)) {
            LOG.warn("PostgreSQL node {} is unreachable: {}", node.name(), message);
        }
        lastError = message;
        close();
    }

    /** Polls now rather than at the next interval. */
    void refresh() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void stop() {
        stopped = true;
        refresh();
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is gone already
            }
            connection = null;
        }
    }

    /** What the last poll saw. */
    Seen seen() {
        return seen;
    }

    /** The node's timeline: of its WAL for a primary, of what it receives for a standby (last known). */
    long timeline() {
        return seen.timeline();
    }

    /** Seeds the timeline of a standby that is not streaming yet: the one it follows (before polling starts). */
    void assumeTimeline(long tli) {
        if (seen.timeline() == 0) {
            seen = seen.onTimeline(tli);
        }
    }

    /**
     * One poll's answer: whether the node was reachable and in recovery; its timeline; its
     * position (the replay position of a standby, the insert position of a primary, -1 before the
     * first poll); {@code pg_last_wal_replay_lsn()} (on a promoted node, where its recovery ended:
     * the fork of its timeline); whether replay is paused; and recovery_min_apply_delay as
     * PostgreSQL shows it ("0", "500ms", "2s").
     */
    record Seen(boolean reachable, boolean inRecovery, long timeline, long position, long replayed, boolean paused,
                String delay) {

        Seen unreachable() {
            return new Seen(false, inRecovery, timeline, position, replayed, paused, delay);
        }

        Seen onTimeline(long tli) {
            return new Seen(reachable, inRecovery, tli, position, replayed, paused, delay);
        }
    }
}
