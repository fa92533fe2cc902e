package dev.lattice.replication;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The ordered log of committed transactions: the LSN of the last commit ({@code C}), a ring of
 * the most recent entries in memory for the appliers (let go once every replica, all in this
 * process, applied them), older ones that a replica has yet to apply kept encoded within the
 * retention ({@link LogArchive}), and, for durable clusters, the {@link DurableLog} table behind
 * them. An in-memory cluster keeps its log in memory alone, as volatile as its data.
 */
public final class TransactionLog {

    /**
     * Entries kept as objects: appliers read them as committed. A healthy replica is at most
     * maxReplicaLag (by default 10,000) behind; an older entry that a replica (one that was away)
     * has yet to apply is encoded before the ring lets it go.
     */
    static final int RING = 16384;

    /**
     * How far behind C the ring lets go of entries every replica has applied: far enough that
     * the appliers' stores stay off the cache lines committers write.
     */
    static final int RELEASE_DISTANCE = 64;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(LoggedTransaction[].class);

    /** Tests only: false keeps no archive, so only the ring's RING entries are kept in memory. */
    static volatile boolean archives = true;

    private final LoggedTransaction[] ring;
    private final int mask;
    /** Entries that left the ring while a replica has yet to apply them; null when only the ring is kept. */
    private final LogArchive archive;
    /** Serialises archiving: an applier after its batch, or a committer about to reuse a ring slot. */
    private final ReentrantLock archiving = new ReentrantLock();
    /** Entries up to this LSN are archived, or were applied by every replica and need no keeping. */
    private volatile long archived;
    /** Whether entries every replica applied leave the ring (every replica runs in this process). */
    private volatile boolean releases;
    /** Entries up to this LSN have been let go from the ring (see {@link #release}). */
    private final AtomicLong released;
    /** The LSN every replica has applied (-1 when one's is unknown): what need not be archived. */
    private volatile LongSupplier appliedByAll = () -> -1;
    private final DurableLog durable;
    private final long retention;
    private volatile long committed;

    /**
     * @param retention how many transactions the log keeps; a replica further behind is rebuilt
     * @param durable the log table, or null for an in-memory cluster
     * @param read whether replicas read the log: without them no one does, and memory keeps only
     * the newest two entries (a ring of them would be copied by every young collection)
     */
    public TransactionLog(long retention, DurableLog durable, long lastLsn, boolean read) {
        long inMemory = !read ? 2 : durable == null ? retention : Math.min(retention, 1 << 16);
        int capacity = Integer.highestOneBit((int) Math.max(2, Math.min(inMemory, RING)) - 1) << 1;
        this.ring = new LoggedTransaction[capacity];
        this.mask = capacity - 1;
        this.archive = inMemory > capacity && archives ? new LogArchive(inMemory) : null;
        this.archived = lastLsn;
        this.released = new AtomicLong(lastLsn);
        this.durable = durable;
        this.retention = retention;
        this.committed = lastLsn;
    }

    /** C: the LSN of the newest committed transaction, 0 before the first. */
    public long committed() {
        return committed;
    }

    public long retention() {
        return retention;
    }

    public DurableLog durable() {
        return durable;
    }

    /** Makes the entry visible to appliers; called in LSN order under the commit lock. */
    void publish(LoggedTransaction tx) {
        int slot = (int) (tx.lsn() & mask);
        LoggedTransaction leaving = ring[slot];
        // the slot's entry is one ring older (LSN order), at most: while that is archived, the entry
        // (written a ring of commits ago, long out of the cache) is not read
        if (archive != null && tx.lsn() - ring.length > archived && leaving != null && leaving.lsn() > archived) {
            archiveThrough(leaving.lsn()); // the appliers have not come to it: the committer encodes it
        }
        ring[slot] = tx;
        committed = tx.lsn();
    }

    /**
     * Tells the log what its readers have applied: entries every replica applied are not archived
     * (a replica goes on from what it applied, or from a new snapshot), so while all keep up
     * nothing is encoded; where every replica runs in this process they also leave the ring
     * ({@link #release}). A replica server of its own, killed, may come back without its last
     * commits (H2 writes them to its file up to half a second later) and read them again: while
     * there is one, the ring keeps them.
     *
     * @param inProcess whether every replica runs in this process
     */
    public void readersApplied(LongSupplier appliedByAll, boolean inProcess) {
        this.appliedByAll = appliedByAll;
        this.releases = inProcess;
    }

    /**
     * Archives the entries in the older half of the ring that a replica has yet to apply, so
     * committers seldom have to when the ring wraps. Appliers call it after each batch, on their
     * own threads.
     */
    void archive() {
        long through = committed - ring.length / 2;
        if (archive == null || archived >= through || !archiving.tryLock()) {
            return;
        }
        try {
            archiveLocked(through);
        } finally {
            archiving.unlock();
        }
    }

    /**
     * Lets go of the ring's entries that every replica has applied, when every replica runs in
     * this process: no one reads them again, and kept they would be copied by every young
     * collection until the ring comes round (a ring of row changes, many megabytes, each time).
     * Appliers call it after each batch.
     */
    void release() {
        if (!releases) {
            return;
        }
        long from = released.get();
        long through = Math.min(appliedByAll.getAsLong(), committed - RELEASE_DISTANCE);
        if (through <= from || !released.compareAndSet(from, through)) {
            return;
        }
        for (long lsn = Math.max(from + 1, through - ring.length + 1); lsn <= through; lsn++) {
            int slot = (int) (lsn & mask);
            LoggedTransaction tx = ring[slot];
            if (tx != null && tx.lsn() == lsn) {
                SLOT.compareAndSet(ring, slot, tx, null); // a committer may have reused the slot since
            }
        }
    }

    private void archiveThrough(long lsn) {
        archiving.lock();
        try {
            archiveLocked(lsn);
        } finally {
            archiving.unlock();
        }
    }

    private void archiveLocked(long through) {
        // what the ring let go every replica had applied, though this read of theirs may be older
        long appliedByAll = Math.max(this.appliedByAll.getAsLong(), released.get());
        if (appliedByAll > archived) {
            archived = appliedByAll; // every replica has them: nothing to keep
        }
        archive.forgetThrough(appliedByAll);
        for (long lsn = archived + 1; lsn <= through; lsn++) {
            LoggedTransaction tx = ring[(int) (lsn & mask)];
            if (tx == null || tx.lsn() != lsn) {
                if (lsn <= released.get()) {
                    archived = lsn; // let go by an applier meanwhile: every replica had applied it
                    continue;
                }
                return; // truncated under us (a promotion): nothing of that history to keep
            }
            archive.append(tx);
            archived = lsn;
        }
    }

    /**
     * The history continues from lsn on another primary (ALTER CLUSTER PROMOTE): entries after it
     * are not part of it. Call it while nothing commits or applies.
     */
    public synchronized void truncateAfter(long lsn) {
        archiving.lock();
        try {
            for (int i = 0; i < ring.length; i++) {
                if (ring[i] != null && ring[i].lsn() > lsn) {
                    ring[i] = null;
                }
            }
            if (archive != null) {
                archive.truncateAfter(lsn);
                archived = Math.min(archived, lsn);
            }
            released.set(Math.min(released.get(), lsn));
            committed = lsn;
        } finally {
            archiving.unlock();
        }
    }

    /** The entry from the in-memory ring, or null when it has left the ring. */
    public LoggedTransaction recent(long lsn) {
        LoggedTransaction tx = ring[(int) (lsn & mask)];
        return tx != null && tx.lsn() == lsn ? tx : null;
    }

    /** When the entry at lsn was committed (epoch milliseconds), or -1 when it is no longer in memory. */
    public long commitMillis(long lsn) {
        LoggedTransaction tx = recent(lsn);
        if (tx != null) {
            return tx.commitMillis();
        }
        return archive != null && lsn <= archived ? archive.commitMillis(lsn) : -1;
    }

    /**
     * Up to max entries from fromLsn on; empty when fromLsn is past C. Returns null when fromLsn
     * is no longer retained, so the reader must be rebuilt from a snapshot.
     */
    public List<LoggedTransaction> read(long fromLsn, int max, CommitSequencer.SqlSupplier<Connection> primaryReader)
            throws SQLException {
        long last = committed;
        if (fromLsn > last) {
            return new ArrayList<>();
        }
        LoggedTransaction first = recent(fromLsn);
        if (first == null && archive != null && fromLsn <= archived) {
            List<LoggedTransaction> older = archive.read(fromLsn, max);
            if (!older.isEmpty()) {
                return older;
            }
        }
        if (first == null) {
            if (durable == null || primaryReader == null) {
                return null;
            }
            List<LoggedTransaction> stored = durable.read(primaryReader.get(), fromLsn, max);
            if (stored.isEmpty() || stored.get(0).lsn() != fromLsn) {
                return null;
            }
            return stored;
        }
        // sized once: an applier behind by a few thousand commits reads a full chunk each time
        List<LoggedTransaction> out = new ArrayList<>((int) Math.min(max, last - fromLsn + 1));
        out.add(first); // its slot may be reused by now: looked up again, it would be missing
        for (long lsn = fromLsn + 1; lsn <= last && out.size() < max; lsn++) {
            LoggedTransaction tx = recent(lsn);
            if (tx == null) {
                break;
            }
            out.add(tx);
        }
        return out;
    }
}
