package dev.lattice.routing;

import dev.lattice.backend.ClusterBackend;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W and T of SPEC §2: the position of the last acknowledged write, and the highest position
 * written or observed (always an upper bound of what was seen), in one epoch of the cluster's
 * history. One per session, or one per cluster shared by every connection with
 * {@code sessionScope=shared}.
 */
public final class CausalPosition {

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong observed = new AtomicLong();
    private volatile long epoch = 1;

    /** W. */
    public long written() {
        return written.get();
    }

    /** T. */
    public long observed() {
        return observed.get();
    }

    /** The epoch (H2: 1; PostgreSQL: the timeline) W and T are positions of. */
    public long epoch() {
        return epoch;
    }

    void wrote(long lsn) {
        raise(written, lsn);
        raise(observed, lsn);
    }

    void observe(long lsn) {
        raise(observed, lsn);
    }

    /**
     * Brings W and T into the cluster's current epoch (after a failover): a position is never
     * compared with one of another history, only with what of it the new history kept.
     */
    void rebase(ClusterBackend backend) {
        long now = backend.epoch();
        if (now == epoch) {
            return;
        }
        synchronized (this) {
            long from = epoch;
            if (from == now) {
                return;
            }
            if (from < now) {
                written.set(backend.toEpoch(from, written.get()));
                observed.set(backend.toEpoch(from, observed.get()));
            }
            epoch = now;
        }
    }

    private static void raise(AtomicLong value, long lsn) {
        long current = value.get();
        while (lsn > current && !value.compareAndSet(current, lsn)) {
            current = value.get();
        }
    }
}
