package dev.lattice.replication;

import dev.lattice.backend.ApplyProgress;
import dev.lattice.backend.SyncSetMembership;
import dev.lattice.cluster.EmbeddedSession;
import dev.lattice.cluster.Node;
import dev.lattice.cluster.NodeSetup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.engine.SessionLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that applies the log to one replica, in LSN order, each transaction atomically with
 * the replica's applied-LSN record. It honours an injected delay and pauses, resumes after failures
 * from the replica's own record, and rebuilds the replica from a snapshot when the log no longer
 * holds what it needs. A session that would otherwise wait for it may apply plain transactions in
 * its place ({@link #applyNow}); one lock keeps the apply single-file.
 */
public final class ReplicaApplier implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaApplier.class);
    /** How long row applies under way may install no row before the replica is reported STALLED (tests shorten it). */
    static volatile long stallNanos = TimeUnit.SECONDS.toNanos(30);
    /** How long stopping waits for the applier's thread, then for an apply under way (tests shorten it). */
    static volatile long stopWaitNanos = TimeUnit.SECONDS.toNanos(5);
    /**
     * Tests only: while set, each row apply (and each run of rows written in place) waits for it to
     * open, as an apply stuck inside H2 would.
     */
    static volatile CountDownLatch rowGate;
    /**
     * Tests only: false writes rows in place without the two rules that keep what readers see a
     * prefix of the log (see {@link #appliedInPlace}).
     */
    static volatile boolean inPlaceFenced = true;
    /** Tests only: false applies every row in the replica's open transaction, as before in-place writes. */
    static volatile boolean inPlaceWrites = true;
    /** Tests only: false trusts an in-memory replica's record on reconnecting, though batches did not write it. */
    static volatile boolean catchesUpRecord = true;
    /** Tests only: false leaves a corrupt file where it is (the replica then fails on every connect). */
    static volatile boolean setsAsideCorruptFiles = true;
    private static final int BATCH = 256;
    /**
     * The most transactions one run written in place holds. A run shows all at once, so applied
     * moves once per run: a session that spins {@link #APPLY_SPIN_NANOS} for the apply lock and
     * then looks whether its LSN is applied should find it applied as often as when applied moved
     * per transaction. 32 take about that long, and still copy the B-tree's upper pages once for
     * many rows.
     */
    private static final int MAX_RUN = 32;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** What {@link #step} returns when the replica has applied everything committed. */
    private static final long CAUGHT_UP = -1;
    private static final long RETRY_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * How long {@link #applyNow} spins while the applier (or another session) applies: about one
     * batch of a replica that keeps up. A longer apply is waited for as before.
     */
    private static final long APPLY_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final Node replica;
    private volatile Node primary;
    private final CommitSequencer sequencer;
    private final TransactionLog log;
    private final Map<TableId, TableApply> shapes = new HashMap<>();
    /** The table of the last {@link #shape} call and its shape. */
    private TableId lastTable;
    private TableApply lastShape;
    private final Object appliedMonitor = new Object();
    private final ApplyProgress progress;
    private final ReadFence fence = new ReadFence();
    private final RebuildCounts rebuilds = new RebuildCounts();

    private volatile Thread thread;
    private volatile boolean stopped;
    /** Whether the applier is parked until woken: only then does a commit have to wake it. */
    private volatile boolean idle;
    private final CommitPoll poll = new CommitPoll();
    private volatile boolean paused;
    /** Tests: the applier's own thread applies nothing (sessions still may, see {@link #applyNow}). */
    private volatile boolean threadHeld;
    /** Set by the applier's thread once it is held, out of any step. */
    private volatile boolean threadIsHeld;
    private volatile long delayMillis;
    private volatile long applied = -1;
    private volatile long applying = -1;
    private volatile ReplicaState state = ReplicaState.REBUILDING;
    private volatile String lastError;
    /** Whether the replica's files are the cluster's own: one H2 finds corrupt may be set aside. */
    private final boolean ownsFiles;
    /** Set when the replica's corrupt file was set aside: the next connect's rebuild says why. */
    private boolean setAside;
    private volatile int waiters;
    private volatile boolean rebuildRequested;
    /** Whether this applier has connected once: only the first connect looks for an open mark left behind. */
    private boolean connectedBefore;
    private boolean ddlFailed;
    private final SyncSetMembership syncSet;
    /** Set when this replica became the primary: it has everything committed, and applies nothing. */
    private volatile boolean promoted;
    /** On (re)connecting, a replica that has applied beyond this LSN is rebuilt (it is past the new primary's history). */
    private volatile long rebuildAbove = Long.MAX_VALUE;
    /** When the row applies under way began ({@code System.nanoTime()}), or 0 when none is. */
    private volatile long applyingSince;
    /** The thread applying them: the applier's, or a session's applying in its place. */
    private volatile Thread applyingThread;
    /** Rows installed so far, by whoever holds the apply lock: the stall watchdog's sign of progress. */
    private volatile long rowsApplied;
    private long rowsAtCheck;
    private long progressAt;
    private volatile boolean stalled;
    private long sequencesSyncedAt = -1;
    private long sequencesSyncedMillis;
    /** The primary's counters as last copied; null when the replica's may have changed since (DDL, rebuild). */
    private Map<String, Long> sequencesCopied;
    /** The replica's tables with identity columns; null until read again after DDL or a rebuild. */
    private Set<TableId> identityTables;

    private Connection connection;
    /** The H2 session behind {@link #connection} when the replica is embedded; else null. */
    private SessionLocal local;
    /**
     * A second connection to the replica, for reading its catalog and copying counters. H2 keeps
     * each session's queries in a cache and revisits every one of them whenever a transaction of
     * that session first writes a table: the applying connection runs none, so that costs nothing.
     */
    private Connection catalog;
    private AppliedLsn.Recorder appliedRecord;
    /**
     * Whether the replica is an in-memory H2 database of this process ({@link AppliedLsn#inMemory}):
     * then {@link #applied} is its record while the applier is connected, and a batch of rows
     * commits without writing LATTICE.APPLIED too (a third of a one-transaction apply's cost);
     * the record is written with each DDL, on reconnecting and on letting go of the replica.
     */
    private boolean recordInMemory;
    /** The LSN of the last transaction whose rows are in the replica's open transaction; -1 when it holds none. */
    private long openThrough = -1;
    /**
     * The table last written in place, when no commit that changed anything has come since: until
     * one does, no other table is written in place (see {@link #appliedInPlace}).
     */
    private TableApply inPlaceTable;
    /** Whether applied moved in place since waiters were last told. */
    private boolean unsignalled;
    /** Transactions written in place on the replica since start (tests read it). */
    private volatile long inPlaceCount;
    /** Set when a commit on such a replica failed: whether it took effect, and so what it applied, is not known. */
    private boolean commitUnknown;
    /** For a replica that is an H2 server with the Lattice classes: the call that applies transactions there. */
    private PreparedStatement serverApply;
    /** Transactions for serverApply, sent in one call before the commit that records them. */
    private final List<LoggedTransaction> serverPending = new ArrayList<>();
    /** The changes of a run written in place, while it is written. */
    private final List<RowChange> run = new ArrayList<>();
    private boolean serverApplyReported;
    private Connection primaryReader;
    private String currentSchema;
    private final NodeSetup setup;
    /** Held by whoever applies: the applier's thread for each step, or a session in {@link #applyNow}. */
    private final ReentrantLock applyLock = new ReentrantLock();
    /** The most transactions one replica commit holds when the applier applies on its own. */
    private final int chunk;
    /** Whether the applier lets other threads run between two commits of a backlog (applyChunk). */
    private final boolean yields;
    /** Commits of applied transactions on the replica, by the applier or sessions (tests read it). */
    private volatile long replicaCommits;

    /**
     * @param chunk the most transactions to commit on the replica at once, yielding the CPU between
     *              two such commits; 0 for all that one look finds (up to BATCH)
     * @param ownsFiles whether the replica's files are the cluster's own (a {@code file:} cluster):
     *                  a file H2 finds corrupt is then set aside and the replica rebuilt
     */
    public ReplicaApplier(Node replica, Node primary, CommitSequencer sequencer, ApplyProgress progress,
                          NodeSetup setup, int chunk, boolean ownsFiles) {
        this.replica = replica;
        this.ownsFiles = ownsFiles;
        this.chunk = chunk > 0 ? Math.min(chunk, BATCH) : BATCH;
        this.yields = chunk > 0;
        this.setup = setup;
        this.primary = primary;
        this.sequencer = sequencer;
        this.log = sequencer.log();
        this.progress = progress;
        this.syncSet = new SyncSetMembership(progress, log::committed);
    }

    public void start() {
        stopped = false;
        Thread t = new Thread(this, "lattice-applier-" + replica.name());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    public void stop() {
        stopped = true;
        nudge();
        Thread t = thread;
        try {
            if (t != null && t != Thread.currentThread()) {
                t.join(TimeUnit.NANOSECONDS.toMillis(stopWaitNanos));
            }
            // a session applying in the applier's place finishes first; one stuck inside H2 is given up on
            if (applyLock.tryLock(stopWaitNanos, TimeUnit.NANOSECONDS)) {
                applyLock.unlock();
            } else {
                LOG.warn("Replica {}: an apply under way did not end within {} ms; closing without it (its open "
                        + "mark stays, so the next start rebuilds the replica if it is behind)", replica.name(),
                        TimeUnit.NANOSECONDS.toMillis(stopWaitNanos));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state = ReplicaState.STOPPED;
    }

    /**
     * Called after each commit on the primary: the applier has work. Only a parked applier is
     * woken: a busy or polling one finds the commit by itself (it reads C again before it parks),
     * so a commit costs its thread no wake-up while commits keep coming.
     */
    public void wake() {
        if (idle) {
            nudge();
        }
    }

    /** Whether the applier applies as it should now: online, and not paused, stopped or delayed. */
    public boolean catchingUp() {
        return state == ReplicaState.ONLINE && !paused && !stopped && !promoted && delayMillis <= 0;
    }

    /** Wakes the applier whatever it is doing: someone waits for it to apply. */
    public void nudge() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public Node node() {
        return replica;
    }

    /** applied(r): the LSN of the last transaction this replica has applied; -1 when unknown. */
    public long applied() {
        return promoted ? log.committed() : applied;
    }

    /**
     * This replica is now the primary (ALTER CLUSTER PROMOTE): the applier is stopped, and the
     * replica counts as having applied every commit.
     */
    public void promoted() {
        stop();
        promoted = true;
        syncSet.leave();
        state = ReplicaState.PRIMARY;
        progress.signal();
    }

    /**
     * Follows a new primary from where the replica is, or from a snapshot when it applied more than
     * the new primary had (forkLsn). Call it stopped; it starts the applier again.
     */
    public void follow(Node newPrimary, long forkLsn) {
        primary = newPrimary;
        rebuildAbove = forkLsn;
        applied = Math.min(applied, forkLsn);
        applying = -1;
        sequencesSyncedAt = -1;
        state = ReplicaState.REBUILDING;
        start();
    }

    /**
     * An upper bound of what a read of this replica that has ended may have seen: the LSN being
     * committed, set before H2's commit makes it visible (applied() is published after it).
     */
    public long appliedUpperBound() {
        if (promoted) {
            return sequencer.committedUpperBound();
        }
        return Math.max(applying, applied);
    }

    public ReplicaState state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    public long delayMillis() {
        return delayMillis;
    }

    public void setDelayMillis(long millis) {
        delayMillis = millis;
        nudge();
    }

    public boolean paused() {
        return paused;
    }

    /**
     * PAUSE returns once the applier has stopped applying, so nothing is applied after it;
     * RESUME returns at once.
     */
    public void setPaused(boolean pause) {
        paused = pause;
        nudge();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long seen = progress.generation();
        while (pause && state != ReplicaState.PAUSED && state != ReplicaState.FAILED && !stopped
                && Thread.currentThread() != thread) {
            try {
                if (!progress.awaitChange(seen, deadline - System.nanoTime()) && System.nanoTime() - deadline >= 0) {
                    return;
                }
                seen = progress.generation();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many times the replica has been rebuilt from a snapshot. */
    public long rebuilds() {
        return rebuilds.total();
    }

    /** How many times the replica has been rebuilt for this cause. */
    public long rebuilds(RebuildCause cause) {
        return rebuilds.of(cause);
    }

    /** The causes the replica has been rebuilt for, with their counts (only causes that happened). */
    public Map<RebuildCause, Long> rebuildsByCause() {
        return rebuilds.byCause();
    }

    /** What a read on this replica checks to know whether the replica's schema changed under it. */
    public ReadFence fence() {
        return fence;
    }

    /** Tests: the applier's own thread stops applying, or starts again; sessions may still apply in its place. */
    void holdThread(boolean hold) {
        threadHeld = hold;
        nudge();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hold && !threadIsHeld && !stopped && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Tests: rebuild the replica from a snapshot at the applier's next step. */
    void requestRebuild() {
        rebuildRequested = true;
        nudge();
    }

    /**
     * Milliseconds since the oldest transaction this replica has not applied was committed: 0
     * when it is caught up, Long.MAX_VALUE when that is unknown (state unknown, or so far behind
     * that the entry has left memory).
     */
    public long lagMillis() {
        if (promoted) {
            return 0;
        }
        long done;
        long next;
        do {
            done = applied;
            if (done < 0 || !state.readable()) {
                return Long.MAX_VALUE;
            }
            if (done >= log.committed()) {
                return 0;
            }
            next = log.commitMillis(done + 1);
        } while (next < 0 && applied != done); // the entry was let go as every replica applied it: look again
        return next < 0 ? Long.MAX_VALUE : Math.max(0, System.currentTimeMillis() - next);
    }

    /**
     * Whether the replica is in STRONG's synchronous set: commits wait for it, and it may serve
     * STRONG reads once it has applied {@link #joinedAtLsn()}.
     */
    public boolean inSyncSet() {
        return syncSet.member();
    }

    /** C when the replica last joined the synchronous set; commits before that did not wait for it. */
    public long joinedAtLsn() {
        return syncSet.joinedAtLsn();
    }

    /** Takes the replica out of the synchronous set: a commit found it too slow, or it failed. */
    public void leaveSyncSet() {
        syncSet.leave();
    }

    private void joinSyncSetIfCaughtUp() {
        if (!paused) {
            syncSet.joinIfCaughtUp(applied);
        }
    }

    /** Waits until applied(r) ≥ lsn or the timeout passes; returns whether it got there. */
    public boolean awaitApplied(long lsn, long timeoutNanos) throws InterruptedException {
        if (applied() >= lsn) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        nudge(); // a polling applier would look again within its interval (CommitPoll); the waiter needs it now
        synchronized (appliedMonitor) {
            waiters++;
            try {
                while (applied < lsn) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(appliedMonitor, left);
                }
                return true;
            } finally {
                waiters--;
            }
        }
    }

    /**
     * On a session's thread, instead of waiting for the applier: applies what is committed through
     * lsn now, unless the applier or another session is applying (then they will), or the replica
     * is not simply applying plain transactions (paused, delayed, rebuilding, failed, or DDL next):
     * that stays the applier's. Returns whether the replica has applied lsn.
     */
    public boolean applyNow(long lsn) {
        if (applied() >= lsn) {
            return true;
        }
        if (!BriefLock.tryLock(applyLock, APPLY_SPIN_NANOS)) {
            return applied() >= lsn;
        }
        try {
            if (stopped || promoted || paused || delayMillis > 0 || rebuildRequested || connection == null
                    || state != ReplicaState.ONLINE) {
                return false;
            }
            while (applied < lsn && applied < log.committed()) {
                List<LoggedTransaction> batch = log.read(applied + 1, BATCH, this::primaryReader);
                int plain = 0;
                while (batch != null && plain < batch.size() && !batch.get(plain).isDdl()
                        && !batch.get(plain).isResync()) {
                    plain++;
                }
                if (plain == 0) {
                    return false;
                }
                applyPlain(batch.subList(0, plain));
            }
            return applied >= lsn;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(); // the applier meets the same failure and handles it
            return false;
        } finally {
            signalInPlace();
            applyingSince = 0;
            applyLock.unlock();
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            long park;
            threadIsHeld = threadHeld;
            if (threadIsHeld) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                continue;
            }
            if (!applyLock.tryLock()) {
                // a session is applying in our place: look again soon, as after applying
                poll.applied();
                awaitCommit();
                continue;
            }
            try {
                if (connection == null) {
                    connect();
                }
                park = step();
            } catch (PrimaryUnavailable e) {
                // the replica is whole and its applied LSN known: it serves reads while the primary is away
                if (!e.getMessage().equals(lastError)) {
                    LOG.warn(e.getMessage());
                }
                lastError = e.getMessage();
                park = RETRY_PARK_NANOS;
            } catch (Throwable e) {
                fail(e);
                park = RETRY_PARK_NANOS;
            } finally {
                applyLock.unlock();
            }
            log.archive();
            log.release();
            if (park == CAUGHT_UP) {
                awaitCommit();
            } else if (park > 0) {
                LockSupport.parkNanos(this, park);
            } else if (yields) {
                // more to apply at once: a statement waiting on this core runs first, after one chunk
                Thread.yield();
            }
        }
        applyLock.lock();
        try {
            markClosed();
            disconnect();
        } finally {
            applyLock.unlock();
        }
    }

    /** Stopping in order: the replica's open mark goes, so the next start trusts what it applied. */
    private void markClosed() {
        if (catalog == null || (fence.version() & 1) != 0 || recordInMemory && commitUnknown) {
            return; // not connected, or not whole (a DDL, a rebuild or a commit cut off): the mark stays, the next start rebuilds
        }
        try {
            if (recordInMemory) {
                AppliedLsn.write(catalog, applied);
            }
            AppliedLsn.markClosed(catalog);
        } catch (SQLException e) {
            // such as a database closed under it (a node whose URL sets DB_CLOSE_ON_EXIT, as the JVM exits)
            LOG.info("Replica {}: could not record that it was closed in order ({}); if it is behind, its next "
                    + "start rebuilds it", replica.name(), e.getMessage());
        }
    }

    /** One step: applies what is due, or says how long to park (or CAUGHT_UP). */
    private long step() throws SQLException {
        if (paused) {
            if (state != ReplicaState.PAUSED) {
                state = ReplicaState.PAUSED;
                progress.signal();
            }
            return IDLE_PARK_NANOS;
        }
        state = ReplicaState.ONLINE;
        if (rebuildRequested) {
            rebuildRequested = false;
            LOG.info("Replica {}: rebuilding from a snapshot as asked", replica.name());
            rebuild(RebuildCause.REQUESTED);
            return 0;
        }
        long next = applied + 1;
        if (next > log.committed()) {
            joinSyncSetIfCaughtUp();
            syncSequences();
            return CAUGHT_UP;
        }
        List<LoggedTransaction> batch;
        try {
            batch = log.read(next, chunk, this::primaryReader);
        } catch (SQLException e) {
            throw primaryUnavailable(e);
        }
        if (batch == null) {
            LOG.info("Replica {} needs LSN {}, which the log no longer holds: rebuilding from a snapshot",
                    replica.name(), next);
            rebuild(RebuildCause.LOG_TRUNCATED);
            return 0;
        }
        long delay = delayMillis;
        long now = System.currentTimeMillis();
        int due = 0;
        while (due < batch.size() && (delay <= 0 || batch.get(due).commitMillis() + delay <= now)) {
            due++;
        }
        if (due == 0) {
            long waitMillis = batch.get(0).commitMillis() + delay - now;
            return TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(waitMillis, 50)));
        }
        apply(batch.subList(0, due));
        poll.applied();
        syncSequences();
        return 0;
    }

    /** Caught up: waits for the next commit, as {@link CommitPoll} says. */
    private void awaitCommit() {
        long park = poll.next(log.committed());
        if (park != CommitPoll.UNTIL_WOKEN) {
            LockSupport.parkNanos(this, park);
            return;
        }
        idle = true;
        try {
            // idle is set before C is read again, so a commit after this read sees idle and wakes us
            if (!stopped && !rebuildRequested && !paused && applied + 1 > log.committed()) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
        } finally {
            idle = false;
        }
    }

    /**
     * Copies the primary's sequence and identity counters after the replica applied something, at
     * most every 100 ms (the idle loop comes back to it, so a replica that caught up gets the last ones).
     */
    private void syncSequences() throws SQLException {
        long done = applied;
        // at most every 100 ms: small queries, off the apply path of each transaction
        if (done == sequencesSyncedAt || System.currentTimeMillis() - sequencesSyncedMillis < 100) {
            return;
        }
        sequencesSyncedMillis = System.currentTimeMillis();
        if (identityTables == null) {
            // the replica's schema is the primary's as of applied(): its identity tables are the ones to copy
            identityTables = SequenceSync.identityTables(catalog);
        }
        Map<String, Long> values;
        try {
            values = SequenceSync.read(primaryReader(), identityTables);
        } catch (SQLException e) {
            // the primary is away: applying goes on, the counters are copied once it is back
            closeQuietly(primaryReader);
            primaryReader = null;
            return;
        }
        if (!values.equals(sequencesCopied)) {
            // only this copy moves a replica's counters between schema changes: equal values need no look
            SequenceSync.copy(values, catalog, identityTables);
            sequencesCopied = values;
        }
        sequencesSyncedAt = done;
    }

    private PrimaryUnavailable primaryUnavailable(SQLException e) {
        closeQuietly(primaryReader);
        primaryReader = null;
        return new PrimaryUnavailable("Replica " + replica.name() + " cannot read the primary's log: " + e.getMessage(), e);
    }

    /** The primary cannot be read; the replica itself is fine. */
    private static final class PrimaryUnavailable extends RuntimeException {
        PrimaryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void apply(List<LoggedTransaction> batch) throws SQLException {
        long last = applied;
        try {
            int next = 0;
            while (next < batch.size()) {
                LoggedTransaction tx = batch.get(next);
                if (tx.isResync()) {
                    commitThrough(last);
                    LOG.info("Replica {} reached a resynchronisation at LSN {}: rebuilding from a snapshot",
                            replica.name(), tx.lsn());
                    rebuild(RebuildCause.SCHEMA_CHANGED_UNSEEN);
                    return;
                }
                if (tx.isDdl()) {
                    commitThrough(last);
                    applyDdl(tx);
                    last = tx.lsn();
                    next++;
                    continue;
                }
                next = applyRows(batch, next);
                last = batch.get(next - 1).lsn();
            }
            commitThrough(last);
        } catch (SQLException e) {
            // a replica's server names the LSN in its message
            String what = serverPending.isEmpty() ? "LSN " + (last + 1) : serverPending.size() == 1 ? "LSN " + last
                    : "LSNs " + serverPending.get(0).lsn() + "-" + last;
            serverPending.clear();
            openThrough = -1;
            connection.rollback();
            if (diverged(e)) {
                LOG.warn("Replica {} cannot apply {} ({}): rebuilding from a snapshot", replica.name(), what,
                        e.getMessage());
                rebuild(RebuildCause.DIVERGED);
                return;
            }
            throw new SQLException("Replica " + replica.name() + " failed to apply " + what + ": " + e.getMessage(),
                    e.getSQLState(), e);
        } finally {
            signalInPlace();
            applyingSince = 0;
        }
    }

    /** Plain transactions (no DDL, no resynchronisation), in one commit on the replica. */
    private void applyPlain(List<LoggedTransaction> batch) throws SQLException {
        for (int next = 0; next < batch.size(); ) {
            next = applyRows(batch, next);
        }
        commitThrough(batch.get(batch.size() - 1).lsn());
    }

    /**
     * Commits the open transaction as applied through last, unless there is nothing to commit: every
     * transaction through last went in place (applied is last and the open transaction holds none).
     */
    private void commitThrough(long last) throws SQLException {
        if (last != applied || openThrough >= 0) {
            commitApplied(last);
        }
    }

    /**
     * The transaction at from: its row changes in the replica's open transaction, or, when it is
     * one UPDATE that can be written in place, it and the like transactions of the same table after
     * it, written in place at once. Returns the index after what it applied.
     */
    private int applyRows(List<LoggedTransaction> batch, int from) throws SQLException {
        if (applyingSince == 0) {
            applyingThread = Thread.currentThread();
            applyingSince = System.nanoTime();
        }
        LoggedTransaction tx = batch.get(from);
        if (serverApply != null) {
            serverPending.add(tx);
            return from + 1;
        }
        if (recordInMemory && inPlaceWrites) {
            int end = appliedInPlace(batch, from);
            if (end > from) {
                return end;
            }
        }
        for (RowChange change : tx.changes()) {
            awaitRowGate();
            shape(change.table()).apply(change);
            rowsApplied++; // only the holder of the apply lock writes it
        }
        openThrough = tx.lsn();
        return from + 1;
    }

    /**
     * Transactions of one UPDATE that keeps its row's key, from the one at from on, in one table,
     * written committed in place on an in-memory replica ({@link TableApply#applyInPlace}) and
     * published at once, when that keeps what readers of the replica see a prefix of the log. The
     * run shows all at once (so as its last transaction left the table), and two rules do the rest:
     * <ul>
     * <li>Rows in the open transaction (earlier transactions) are committed first.</li>
     * <li>After a table was written in place, another table is only once a commit that changed
     * something has come. H2 takes a statement's snapshot table by table and takes it again when a
     * commit came meanwhile ({@code Transaction.markStatementStart}); two tables written in place
     * with no commit between could be seen one new, one old, in the wrong order.</li>
     * </ul>
     * An in-memory replica needs no record of what it applied in its own transactions, so nothing
     * else is written with the rows. Returns the index after the run, or from when the transaction
     * at from must go through the open transaction.
     */
    private int appliedInPlace(List<LoggedTransaction> batch, int from) throws SQLException {
        TableApply table = inPlaceShape(batch.get(from));
        if (table == null) {
            return from;
        }
        boolean fenced = inPlaceFenced;
        if (openThrough >= 0 && fenced) {
            boolean flips = local != null && local.hasPendingTransaction(); // an empty commit tells readers nothing
            commitApplied(Math.max(openThrough, applied)); // never publishes less than is applied
            if (flips) {
                inPlaceTable = null;
            }
        }
        if (inPlaceTable != null && inPlaceTable != table && fenced) {
            return from;
        }
        int end = from + 1;
        while (end < batch.size() && end - from < MAX_RUN && inPlaceShape(batch.get(end)) == table) {
            end++;
        }
        for (int i = from; i < end; i++) {
            run.add(batch.get(i).changes().get(0));
        }
        long last = batch.get(end - 1).lsn();
        boolean written;
        try {
            awaitRowGate();
            applying = last; // a read that ends now may have seen it: see appliedUpperBound
            written = table.applyInPlace(run);
        } finally {
            run.clear();
        }
        if (!written) {
            return from;
        }
        inPlaceTable = table;
        rowsApplied += end - from;
        inPlaceCount += end - from;
        applied = last; // exact at once; waiters are told when the apply ends (signalInPlace)
        unsignalled = true;
        return end;
    }

    /** The table of a transaction that is one UPDATE its table can write in place; else null. */
    private TableApply inPlaceShape(LoggedTransaction tx) throws SQLException {
        List<RowChange> changes = tx.changes();
        if (changes.size() != 1 || tx.isDdl() || tx.isResync()) {
            return null;
        }
        TableApply table = shape(changes.get(0).table());
        return table.appliesInPlace(changes.get(0)) ? table : null;
    }

    /**
     * After an apply: tells waiters of what went in place since the last commit, once for all of
     * it, as a commit does (per transaction would wake each waiter once per transaction).
     */
    private void signalInPlace() {
        if (unsignalled) {
            published(applied);
        }
    }

    private static void awaitRowGate() {
        CountDownLatch gate = rowGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Transactions written in place on the replica since start. */
    long inPlaceCount() {
        return inPlaceCount;
    }

    private void rollbackQuietly() {
        serverPending.clear();
        openThrough = -1;
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the applier finds the connection broken and reconnects
        }
    }

    /** A change that does not fit the replica's rows: no retry can apply it, a snapshot can. */
    private static boolean diverged(SQLException e) {
        String state = e.getSQLState();
        return ReplicaDiverged.STATE.equals(state) || state != null && state.startsWith("23");
    }

    /** Commits what the open transaction applied, through lsn, with the record (see {@link #recordInMemory}). */
    private void commitApplied(long lsn) throws SQLException {
        commitApplied(lsn, !recordInMemory);
    }

    private void commitApplied(long lsn, boolean record) throws SQLException {
        if (!serverPending.isEmpty()) {
            ServerSideApply.call(serverApply, serverPending);
            for (LoggedTransaction tx : serverPending) {
                rowsApplied += tx.changes().size();
            }
            serverPending.clear();
        }
        if (record) {
            appliedRecord.record(lsn);
        }
        applying = lsn;
        openThrough = -1;
        try {
            H2Commit.commit(connection);
        } catch (SQLException | RuntimeException e) {
            commitUnknown = recordInMemory;
            throw e;
        }
        commitUnknown = false;
        applyingSince = 0;
        replicaCommits++; // under the apply lock
        published(lsn);
    }

    /** How many commits of applied transactions the replica has had since start. */
    long replicaCommits() {
        return replicaCommits;
    }

    /**
     * The stall watchdog, called every second: row applies under way that have installed no row for
     * {@link #stallNanos} (a thread stuck inside H2, as after a crash once) make the replica STALLED
     * in SHOW REPLICAS and a warning with the applying thread's stack; it ends when a row goes in.
     * Routing is unchanged: the replica's applied LSN is still exact.
     */
    public synchronized void watchForStall() {
        long now = System.nanoTime();
        long rows = rowsApplied;
        long since = applyingSince;
        if (since == 0 || rows != rowsAtCheck || state != ReplicaState.ONLINE) {
            rowsAtCheck = rows;
            progressAt = now;
            if (stalled) {
                stalled = false;
                LOG.info("Replica {} is applying rows again", replica.name());
            }
            return;
        }
        if (!stalled && now - Math.max(progressAt, since) >= stallNanos) {
            stalled = true;
            Thread t = applyingThread;
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement e : t == null ? new StackTraceElement[0] : t.getStackTrace()) {
                stack.append("\n\tat ").append(e);
            }
            LOG.warn("Replica {} has installed no row for {} ms while applying after LSN {}: its applier may be "
                    + "stuck inside H2 (SHOW REPLICAS says STALLED; restarting the process ends it). "
                    + "Applying thread {}:{}", replica.name(), TimeUnit.NANOSECONDS.toMillis(now - Math.max(progressAt, since)),
                    applied, t == null ? "?" : t.getName(), stack);
        }
    }

    /** Whether row applies are under way (tests). */
    boolean applyingRows() {
        return applyingSince != 0;
    }

    /** The state SHOW REPLICAS reports: {@link ReplicaState#STALLED} while the watchdog sees no progress. */
    public ReplicaState reportedState() {
        ReplicaState now = state;
        return stalled && now == ReplicaState.ONLINE ? ReplicaState.STALLED : now;
    }

    /**
     * Reads on the replica are fenced off while the DDL runs (see {@link ReadFence}); if it fails,
     * the fence stays closed until the rebuild that follows has made the replica whole.
     */
    private void applyDdl(LoggedTransaction tx) throws SQLException {
        AppliedLsn.markDdl(connection, tx.lsn());
        applying = tx.lsn(); // H2 commits DDL as it runs
        try (Statement s = connection.createStatement()) {
            String schema = tx.ddlSchema() == null ? "PUBLIC" : tx.ddlSchema();
            if (!schema.equals(currentSchema)) {
                s.execute("SET SCHEMA " + TableId.quote(schema));
                currentSchema = schema;
            }
            fence.close();
            try {
                s.execute(tx.ddl());
            } catch (SQLException e) {
                ddlFailed = true;
                throw e;
            }
        }
        clearShapes();
        commitApplied(tx.lsn(), true); // ends the DDL's mark: always written
        fence.open();
    }

    private void published(long lsn) {
        applied = lsn;
        unsignalled = false;
        joinSyncSetIfCaughtUp();
        if (waiters > 0) {
            synchronized (appliedMonitor) {
                appliedMonitor.notifyAll();
            }
        }
        progress.signal();
    }

    /**
     * After connecting and after a rebuild (which drops the alias with everything else): a replica
     * in another process gets its transactions applied by its own server where it can.
     */
    private void prepareServerApply() {
        try {
            serverApply = ServerSideApply.prepare(connection);
        } catch (SQLException e) {
            serverApply = null;
            if (!serverApplyReported) {
                serverApplyReported = true;
                LOG.warn("Replica {} is applied statement by statement, and cannot apply a table with triggers: its "
                        + "server could not create or call {} ({}). Put this Lattice driver jar on the server's classpath.",
                        replica.name(), ServerSideApply.ALIAS, String.valueOf(e.getMessage()).split("; SQL statement:")[0]);
            }
        }
    }

    private TableApply shape(TableId table) throws SQLException {
        TableApply last = lastShape;
        if (table == lastTable && last.current()) {
            return last; // the capture names a table by one TableId per schema version: most changes hit here
        }
        TableApply shape = shapes.get(table);
        if (shape == null || !shape.current()) {
            if (shape != null) {
                shape.close();
            }
            DirectApply direct = DirectApply.of(connection, table);
            shape = direct != null ? direct : TableShape.load(connection, catalog, table);
            shapes.put(table, shape);
        }
        lastTable = table;
        lastShape = shape;
        return shape;
    }

    private void connect() throws SQLException {
        Connection c;
        try {
            c = replica.connectDirect();
        } catch (SQLException e) {
            if (!ownsFiles || promoted || !setsAsideCorruptFiles || !CorruptFiles.corrupt(e)) {
                throw e;
            }
            LOG.warn("Replica {}: H2 cannot open its file ({}); it is set aside as {} and the replica rebuilt from the "
                    + "primary", replica.name(), e.getMessage(), CorruptFiles.setAside(replica.url()));
            setAside = true;
            c = replica.connectDirect();
        }
        try {
            c.setAutoCommit(false);
            connection = c;
            local = EmbeddedSession.of(c);
            catalog = replica.connectDirect();
            long recorded = AppliedLsn.read(catalog);
            recordInMemory = AppliedLsn.inMemory(c);
            // this process may have applied past the record of its in-memory replica, which it had not written yet
            boolean recordBehind = recordInMemory && connectedBefore && recorded >= 0 && catchesUpRecord;
            // only a process's first connect: a later one follows this process's own failure or the replica's
            boolean leftOpen = !connectedBefore && recorded >= 0 && recorded < log.committed()
                    && AppliedLsn.leftOpen(catalog);
            if (recordBehind && !commitUnknown && applied > recorded) {
                AppliedLsn.write(catalog, applied);
                recorded = applied;
            }
            if (recordBehind && commitUnknown) {
                LOG.info("Replica {}: whether its last commit of applied transactions took effect is not known: "
                        + "rebuilding from a snapshot", replica.name());
                rebuild(RebuildCause.APPLY_FAILED);
            } else if (recorded > rebuildAbove) {
                LOG.info("Replica {} applied LSN {}, past LSN {} where the new primary's history begins: rebuilding "
                        + "from a snapshot", replica.name(), recorded, rebuildAbove);
                rebuild(RebuildCause.NEW_PRIMARY);
            } else if (recorded < 0) {
                RebuildCause cause = setAside ? RebuildCause.FILE_CORRUPT : ddlFailed ? RebuildCause.APPLY_FAILED
                        : AppliedLsn.exists(catalog) ? RebuildCause.RESTART : RebuildCause.INITIAL;
                LOG.info("Replica {} has no applied-LSN record (new, or cut off mid-DDL): rebuilding from a snapshot ({})",
                        replica.name(), cause);
                rebuild(cause);
            } else if (leftOpen) {
                LOG.info("Replica {} was left open at LSN {}, behind the primary's {}, by a Lattice process that ended "
                        + "without closing it: rebuilding from a snapshot", replica.name(), recorded, log.committed());
                rebuild(RebuildCause.LEFT_OPEN);
            } else {
                setup.prepare(c);
                prepareServerApply();
                appliedRecord = AppliedLsn.recorder(c, catalog);
                currentSchema = null;
                fence.open();
                published(recorded);
            }
            AppliedLsn.markOpen(catalog);
            connectedBefore = true;
            setAside = false;
            lastError = null;
        } catch (SQLException | RuntimeException e) {
            disconnect();
            throw e;
        }
    }

    /**
     * Lays a snapshot onto the replica. It serves no read from before the first object is dropped
     * until the last row is back: new reads are not routed to a REBUILDING replica, and reads
     * already running find the fence moved and are answered elsewhere. If the rebuild fails the
     * fence stays closed until one succeeds.
     */
    private void rebuild(RebuildCause cause) throws SQLException {
        Snapshot snapshot;
        try {
            snapshot = Snapshot.take(primaryReader(), sequencer);
        } catch (SQLException e) {
            throw primaryUnavailable(e);
        }
        state = ReplicaState.REBUILDING;
        leaveSyncSet();
        clearShapes();
        fence.close();
        openThrough = -1; // the snapshot replaces whatever the open transaction held
        snapshot.restoreInto(connection);
        setup.prepare(connection);
        prepareServerApply();
        if (appliedRecord != null) {
            appliedRecord.close();
        }
        appliedRecord = AppliedLsn.recorder(connection, catalog);
        currentSchema = null;
        ddlFailed = false;
        commitUnknown = false;
        fence.open();
        published(snapshot.lsn());
        rebuildAbove = Long.MAX_VALUE;
        rebuilds.count(cause);
        state = ReplicaState.ONLINE;
    }

    private Connection primaryReader() throws SQLException {
        if (primaryReader == null) {
            if (primary.refusesConnections(500)) {
                // H2's client would retry for ~1.2 s, holding up a promotion that stops this applier
                throw new SQLException("The primary's server refuses connections", "08001");
            }
            primaryReader = primary.connectDirect();
        }
        return primaryReader;
    }

    private void fail(Throwable e) {
        state = ReplicaState.FAILED;
        leaveSyncSet();
        String message = String.valueOf(e.getMessage());
        if (!message.equals(lastError)) {
            LOG.warn("Replica {} failed: {}", replica.name(), message);
        }
        lastError = message;
        disconnect();
    }

    /** The replica's schema may have changed: table shapes and counters are read afresh. */
    private void clearShapes() {
        shapes.values().forEach(TableApply::close);
        shapes.clear();
        lastTable = null;
        lastShape = null;
        identityTables = null;
        sequencesCopied = null;
    }

    private void disconnect() {
        clearShapes();
        closeQuietly(connection);
        closeQuietly(catalog);
        closeQuietly(primaryReader);
        connection = null;
        local = null; // inPlaceTable stays: only a commit that changed something lets another table in place
        openThrough = -1; // the open transaction went with the connection
        catalog = null;
        primaryReader = null;
        appliedRecord = null;
        serverApply = null;
        serverPending.clear();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
