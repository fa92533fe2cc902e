package dev.lattice.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordered log of committed transactions: the LSN of the last commit ({@code C}), a ring of
 * the most recent entries in memory for the appliers, and, for durable clusters, the
 * {@link DurableLog} table behind it. An in-memory cluster keeps its log in the ring alone, as
 * volatile as its data.
 */
public final class TransactionLog {

    private final LoggedTransaction[] ring;
    private final int mask;
    private final DurableLog durable;
    private final long retention;
    private volatile long committed;

    /**
     * @param retention how many transactions the log keeps; a replica further behind is rebuilt
     * @param durable the log table, or null for an in-memory cluster
     */
    public TransactionLog(long retention, DurableLog durable, long lastLsn) {
        long ringSize = durable == null ? retention : Math.min(retention, 1 << 16);
        int capacity = Integer.highestOneBit((int) Math.max(2, Math.min(ringSize, 1 << 24)) - 1) << 1;
        this.ring = new LoggedTransaction[capacity];
        this.mask = capacity - 1;
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
        ring[(int) (tx.lsn() & mask)] = tx;
        committed = tx.lsn();
    }

    /**
     * The history continues from lsn on another primary (ALTER CLUSTER PROMOTE): entries after it
     * are not part of it. Call it while nothing commits or applies.
     */
    public synchronized void truncateAfter(long lsn) {
        for (int i = 0; i < ring.length; i++) {
            if (ring[i] != null && ring[i].lsn() > lsn) {
                ring[i] = null;
            }
        }
        committed = lsn;
    }

    /** The entry from the in-memory ring, or null when it has left the ring. */
    public LoggedTransaction recent(long lsn) {
        LoggedTransaction tx = ring[(int) (lsn & mask)];
        return tx != null && tx.lsn() == lsn ? tx : null;
    }

    /**
     * Up to max entries from fromLsn on; empty when fromLsn is past C. Returns null when fromLsn
     * is no longer retained, so the reader must be rebuilt from a snapshot.
     */
    public List<LoggedTransaction> read(long fromLsn, int max, CommitSequencer.SqlSupplier<Connection> primaryReader)
            throws SQLException {
        long last = committed;
        List<LoggedTransaction> out = new ArrayList<>();
        if (fromLsn > last) {
            return out;
        }
        LoggedTransaction first = recent(fromLsn);
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
        for (long lsn = fromLsn; lsn <= last && out.size() < max; lsn++) {
            LoggedTransaction tx = recent(lsn);
            if (tx == null) {
                break;
            }
            out.add(tx);
        }
        return out;
    }
}
