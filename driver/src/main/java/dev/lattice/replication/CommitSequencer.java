package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives every committed write transaction of the primary its LSN, gap-free and in commit order:
 * under one lock it appends the log entry inside the transaction, commits it in H2, and
 * publishes the entry to the appliers. Conflicting transactions are ordered by H2's row locks
 * before they get here, so LSN order is an order the replicas can replay.
 */
public final class CommitSequencer {

    /** How long a committer spins for the commit lock before it parks: a few H2 commits. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.atomic.AtomicLong unseenIntents = new java.util.concurrent.atomic.AtomicLong();
    private final TransactionLog log;
    private final Runnable onPublish;
    private volatile long schemaChanges;
    private final ReadFence primaryFence = new ReadFence();
    /**
     * The LSN of the newest entry published without its commit waiting for STRONG's synchronous set:
     * a commit at another level, DDL, or an adopted entry.
     */
    private volatile long outsideSyncSet;
    /** The LSN of a commit or DDL that may be visible on the primary before it is published, else 0. */
    private volatile long inFlight;

    public CommitSequencer(TransactionLog log, Runnable onPublish) {
        this.log = log;
        this.onPublish = onPublish;
    }

    public TransactionLog log() {
        return log;
    }

    /**
     * Commits the transaction on the primary and logs its row changes.
     *
     * @param logInsert the primary connection's prepared log insert, or null for an in-memory log
     * @param waitsForSyncSet whether the commit is acknowledged only once STRONG's synchronous set applied it
     * @return the LSN given to the transaction, or 0 when it changed nothing
     */
    public long commit(Connection primary, PreparedStatement logInsert, List<RowChange> changes,
                       boolean waitsForSyncSet) throws SQLException {
        if (changes.isEmpty()) {
            H2Commit.commit(primary);
            return 0;
        }
        LoggedTransaction draft = LoggedTransaction.ofChanges(0, 0, changes);
        byte[] payload = logInsert == null ? null : LogCodec.encode(draft);
        lockForCommit();
        try {
            LoggedTransaction tx = draft.withLsn(log.committed() + 1, System.currentTimeMillis());
            if (logInsert != null) {
                CrashPoint.reach(CrashPoint.COMMIT_BEFORE_LOG_RECORD);
                log.durable().append(logInsert, tx, payload);
                CrashPoint.reach(CrashPoint.COMMIT_BEFORE_DATA_COMMIT);
            }
            inFlight = tx.lsn();
            H2Commit.commit(primary);
            CrashPoint.reach(CrashPoint.COMMIT_AFTER_DATA_COMMIT);
            log.publish(tx);
            if (!waitsForSyncSet) {
                outsideSyncSet = tx.lsn();
            }
        } finally {
            inFlight = 0;
            lock.unlock();
        }
        onPublish.run();
        return log.committed();
    }

    /**
     * Takes the commit lock. Its holder commits in H2 for a few microseconds, so a committer that
     * finds it taken spins that long before it parks (with two committers, it parked on nearly every
     * commit before).
     */
    private void lockForCommit() {
        if (!BriefLock.tryLock(lock, SPIN_NANOS)) {
            lock.lock();
        }
    }

    /**
     * Logs a DDL statement that has just run on the primary. Call it while holding the
     * {@link SchemaGate} for DDL, so no write transaction can commit between the DDL and its entry.
     */
    public long logDdl(Connection primary, PreparedStatement logInsert, String ddl, String schema) throws SQLException {
        return logSchemaChange(primary, logInsert, LoggedTransaction.ofDdl(0, 0, ddl, schema), 0);
    }

    /**
     * Logs that the schema changed in a way that cannot be replayed as text: every replica is
     * rebuilt from a snapshot when it reaches this entry.
     *
     * @param intentKey the key of the intent {@link #intendUnseenDdl} recorded, or 0 for DDL
     *                  announced by {@link #ddlStarting}
     */
    public long logResync(Connection primary, PreparedStatement logInsert, long intentKey) throws SQLException {
        return logSchemaChange(primary, logInsert, LoggedTransaction.resync(0, 0), intentKey);
    }

    private long logSchemaChange(Connection primary, PreparedStatement logInsert, LoggedTransaction draft,
                                 long intentKey) throws SQLException {
        long lsn;
        lock.lock();
        try {
            LoggedTransaction tx = draft.withLsn(log.committed() + 1, System.currentTimeMillis());
            if (logInsert != null) {
                CrashPoint.reach(CrashPoint.DDL_BEFORE_LOG_RECORD);
                log.durable().append(logInsert, tx, LogCodec.encode(tx));
                log.durable().clearDdlIntent(primary, intentKey == 0 ? tx.lsn() : intentKey);
                primary.commit();
                CrashPoint.reach(CrashPoint.DDL_AFTER_LOG_RECORD);
            }
            log.publish(tx);
            outsideSyncSet = tx.lsn();
            schemaChanges++;
            lsn = tx.lsn();
        } finally {
            lock.unlock();
        }
        onPublish.run();
        return lsn;
    }

    /**
     * Publishes entries the primary's own log holds but this sequencer never published: commits
     * whose acknowledgement was lost when the primary went away. They are in the cluster's history.
     */
    public void adopt(List<LoggedTransaction> entries) {
        lock.lock();
        try {
            for (LoggedTransaction tx : entries) {
                if (tx.lsn() == log.committed() + 1) {
                    log.publish(tx);
                    outsideSyncSet = tx.lsn();
                }
            }
        } finally {
            lock.unlock();
        }
        onPublish.run();
    }

    /**
     * Called (under the commit lock) before DDL runs on the primary. With a durable log it first
     * commits the DDL's intent (see {@link DurableLog}), so a crash before its log record cannot
     * leave replicas without it.
     *
     * @param logInsert the primary connection's prepared log insert, or null for an in-memory log
     */
    public void ddlStarting(Connection primary, PreparedStatement logInsert, String ddl) throws SQLException {
        inFlight = log.committed() + 1;
        primaryFence.close();
        if (logInsert != null) {
            log.durable().intendDdl(primary, inFlight, ddl);
            CrashPoint.reach(CrashPoint.DDL_BEFORE_STATEMENT);
        }
    }

    /** The DDL announced by {@link #ddlStarting} failed: H2 did not run it, so it needs no entry. */
    public void ddlFailed(Connection primary, PreparedStatement logInsert) throws SQLException {
        if (logInsert != null) {
            log.durable().clearDdlIntent(primary, inFlight);
            primary.commit();
        }
    }

    /**
     * Before a statement Lattice could not read runs, when it may change the schema: commits an
     * intent on a connection of its own (the session's transaction stays open) and returns its key
     * for {@link #logResync} or {@link #dropUnseenIntent}. A crash before either makes the primary's
     * next start rebuild the replicas.
     */
    public long intendUnseenDdl(Connection side, String sql) throws SQLException {
        long key = -unseenIntents.incrementAndGet();
        log.durable().intendDdl(side, key, sql);
        return key;
    }

    /** The statement behind the intent did not change the schema after all (or failed). */
    public void dropUnseenIntent(Connection side, long key) throws SQLException {
        log.durable().clearDdlIntent(side, key);
        side.commit();
    }

    /**
     * An upper bound of what a read on the primary may have seen, read after the read: C, or the
     * LSN of a commit (or DDL) that H2 has made visible but this sequencer has not yet published.
     * C alone would be a lower bound then, and a causal token taken from it could send the
     * session's next read to a replica without what it just saw.
     */
    public long committedUpperBound() {
        long pending = inFlight;
        return Math.max(pending, log.committed());
    }

    /**
     * The LSN of the newest entry published without waiting for STRONG's synchronous set, at most C
     * (entries past a promotion's fork are gone).
     */
    public long acknowledgedOutsideSyncSet() {
        return Math.min(outsideSyncSet, log.committed());
    }

    /** What a read on the primary checks to know whether DDL ran there meanwhile (issue 17). */
    public ReadFence primaryFence() {
        return primaryFence;
    }

    /** How many DDL statements and resynchronisations have been logged since start. */
    public long schemaChanges() {
        return schemaChanges;
    }

    /** Runs an action while no transaction can commit, e.g. to pin a snapshot to an LSN. */
    public <T> T whileNoCommits(SqlSupplier<T> action) throws SQLException {
        lock.lock();
        try {
            return action.get();
        } finally {
            if (lock.getHoldCount() == 1) {
                // A DDL run inside is logged (or failed) by now: reads on the primary may trust what they see.
                inFlight = 0;
                primaryFence.open();
            }
            lock.unlock();
        }
    }

    /** A piece of JDBC work. */
    @FunctionalInterface
    public interface SqlSupplier<T> {
        T get() throws SQLException;
    }
}
