package dev.lattice.replication;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import org.h2.api.ErrorCode;

/**
 * Tells a read on a replica whether the replica's schema changed under it, so that a read which
 * overlapped a DDL apply or a rebuild is answered by another node instead (issue 17).
 *
 * <p>H2 2.5 does not isolate a query from DDL of another session: a query that found a table just
 * before the applier dropped it (DROP TABLE, DROP ALL OBJECTS of a rebuild, the copy H2 makes to
 * ALTER a table) fails with an internal error ({@code NullPointerException ... this.database is
 * null}, SQLState HY000) or "table not found", and a read during a rebuild can see a half-restored
 * table. So this is a sequence lock: the applier makes the version odd before it changes the
 * schema and even again once the replica is whole; a read takes the version before it runs and
 * its result stands only if the version is the same, even number after it. That costs a read two
 * volatile reads and no lock, and costs the applier nothing while it applies rows.
 *
 * <p>A read on the primary that DDL overlapped on every one of its first attempts is not given up
 * on, nor answered with what it saw: it then runs pinned, which the next DDL waits for, as a
 * PostgreSQL query holds off DROP TABLE with its table lock.
 */
public final class ReadFence {

    /** Tests only: false shows what reads see without the fence. */
    static volatile boolean enabled = true;

    /** Attempts a primary read makes before it runs pinned. */
    private static final int OPTIMISTIC_ATTEMPTS = 2;
    /** How long a primary read waits for running DDL (tests shorten it). */
    static volatile long awaitOpenNanos = TimeUnit.SECONDS.toNanos(10);

    private volatile long version;
    /** Held for writing while the fence is closed; a pinned read holds it for reading. */
    private final StampedLock pin = new StampedLock();
    private long closedStamp;
    /** The thread that closed the fence (it must not wait for itself in a pinned read), or null. */
    private volatile Thread closer;
    private final LongAdder rerouted = new LongAdder();

    /** Before a read: a stamp to check afterwards, or -1 when the schema is changing now (read elsewhere). */
    public long enter() {
        long v = version;
        if ((v & 1) == 0 || !enabled) {
            return v;
        }
        rerouted.increment();
        return -1;
    }

    /** After a read that returned: whether no schema change overlapped it, so its result stands. */
    public boolean held(long stamp) {
        if (version == stamp || !enabled) {
            return true;
        }
        rerouted.increment();
        return false;
    }

    /**
     * After a read that failed: whether another node should answer it, because the failure came
     * from what the replica was doing (a schema change overlapped the read) or from inside the
     * replica (an internal error, a closed database), not from the statement.
     */
    public boolean reroute(long stamp, SQLException e) {
        if (!enabled) {
            return false;
        }
        if (version != stamp || isInternal(e)) {
            rerouted.increment();
            return true;
        }
        return false;
    }

    /** A read to run again, on the same node. */
    @FunctionalInterface
    public interface Read<T> {
        T run() throws SQLException;
    }

    /**
     * Runs a read on the primary so that DDL running there meanwhile cannot spoil it. A read that
     * finds DDL running waits for it first. A read that overlapped a DDL statement (failed or not:
     * H2 can also answer from an index still being built) is run again, and so is one that failed
     * with an exception from inside H2 (its general error, such as a view whose query another
     * session's DROP VIEW took away). After {@value #OPTIMISTIC_ATTEMPTS} such attempts the read
     * runs pinned: no DDL starts until it is done, so what it answers or throws is its own.
     */
    public <T> T whole(Read<T> read) throws SQLException {
        for (int attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS && enabled; attempt++) {
            awaitOpen();
            long stamp = version;
            try {
                T result = read.run();
                if (clean(stamp)) {
                    return result;
                }
                discard(result);
            } catch (SQLException e) {
                if (clean(stamp) && e.getErrorCode() != ErrorCode.GENERAL_ERROR_1) {
                    throw e;
                }
            }
            rerouted.increment();
        }
        return pinned(read);
    }

    /** Runs the read while no DDL can start (DDL already running finishes first). */
    private <T> T pinned(Read<T> read) throws SQLException {
        if (!enabled || closer == Thread.currentThread()) {
            return read.run();
        }
        long stamp;
        try {
            stamp = pin.tryReadLock(awaitOpenNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientException("Interrupted while waiting for DDL on the primary to finish", "HYT00", e);
        }
        if (stamp == 0) {
            throw new SQLTransientException("Timeout after " + TimeUnit.NANOSECONDS.toMillis(awaitOpenNanos)
                    + " ms waiting for DDL on the primary to finish", "HYT00");
        }
        try {
            return read.run();
        } finally {
            pin.unlockRead(stamp);
        }
    }

    private boolean clean(long stamp) {
        return version == stamp && (stamp & 1) == 0;
    }

    private void awaitOpen() {
        if (closer == Thread.currentThread()) {
            return; // its own DDL: nothing to wait for
        }
        long deadline = System.nanoTime() + awaitOpenNanos;
        while ((version & 1) != 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(this, 100_000);
        }
    }

    /** The sequence number: odd while the schema is changing (diagnostics). */
    long version() {
        return version;
    }

    /** How many reads were sent to another node (or run again) because of this node's schema changes or internal errors. */
    public long rerouted() {
        return rerouted.sum();
    }

    /** Closes what the read was answered with, when it is thrown away for another node's answer. */
    public static void discard(Object result) {
        if (result instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // it is not used
            }
        }
    }

    /** H2's general error (any exception inside H2), a lock timeout, a closed or out-of-memory database. */
    static boolean isInternal(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return true;
        }
        return state.startsWith("HY") || state.startsWith("08")
                || switch (e.getErrorCode()) {
                    case 90067, 90098, 90108, 90121 -> true;
                    default -> false;
                };
    }

    /**
     * The schema is about to change: reads from now on go elsewhere (a replica's) or wait (the
     * primary's); waits for a pinned read to finish first. Idempotent.
     */
    void close() {
        if ((version & 1) == 0) {
            closedStamp = pin.writeLock();
            closer = Thread.currentThread();
            version++;
        }
    }

    /** The schema is whole again. Idempotent. */
    void open() {
        if ((version & 1) != 0) {
            version++;
            closer = null;
            pin.unlockWrite(closedStamp);
        }
    }
}
