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

    private final Node node;
    private final long intervalNanos;
    private final PgBackend backend;
    private volatile Thread thread;
    private volatile boolean stopped;
    private Connection connection;

    private volatile boolean reachable;
    private volatile boolean inRecovery;
    private volatile long timeline;
    private volatile long position = -1;
    private volatile long replayed = -1;
    private volatile boolean paused;
    private volatile String delay = "0";
    private volatile String lastError;
    private volatile long polls;

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
            connection = node.connectDirect();
            connection.setAutoCommit(true);
        }
        long sent = System.nanoTime();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(POLL)) {
            rs.next();
            boolean recovery = rs.getBoolean(1);
            long at = WalPosition.parse(rs.getString(2));
            int tli = rs.getInt(3);
            boolean tliKnown = !rs.wasNull();
            replayed = WalPosition.parse(rs.getString(4));
            paused = !"not paused".equals(rs.getString(5));
            delay = rs.getString(6);
            inRecovery = recovery;
            if (tliKnown && tli > 0) {
                timeline = tli;
            }
            position = at;
            reachable = true;
            lastError = null;
            polls++;
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
            LockSupport.parkNanos(this, reachable ? intervalNanos : intervalNanos * 10);
        }
        close();
    }

    private void unreachable(Exception e) {
        boolean was = reachable;
        reachable = false;
        String message = String.valueOf(e.getMessage());
        if (was || !message.equals(lastError)) {
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

    boolean reachable() {
        return reachable;
    }

    boolean inRecovery() {
        return inRecovery;
    }

    /** The node's timeline: of its WAL for a primary, of what it receives for a standby (last known). */
    long timeline() {
        return timeline;
    }

    /** Seeds the timeline of a standby that is not streaming yet: the one it follows. */
    void assumeTimeline(long tli) {
        if (timeline == 0) {
            timeline = tli;
        }
    }

    /** The standby's replay position, or the primary's insert position; -1 before the first poll. */
    long position() {
        return position;
    }

    /** pg_last_wal_replay_lsn(): on a promoted node, where its recovery ended (the fork of its timeline). */
    long replayed() {
        return replayed;
    }

    boolean paused() {
        return paused;
    }

    /** recovery_min_apply_delay as PostgreSQL shows it ("0", "500ms", "2s"). */
    String delay() {
        return delay;
    }

    String lastError() {
        return lastError;
    }

    long polls() {
        return polls;
    }
}
