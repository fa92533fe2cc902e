package dev.lattice.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * W and T of SPEC §2: the LSN of the last acknowledged write, and the highest LSN written or
 * observed (always an upper bound of what was seen). One per session, or one per cluster shared
 * by every connection with {@code sessionScope=shared}.
 */
public final class CausalPosition {

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong observed = new AtomicLong();

    /** W. */
    public long written() {
        return written.get();
    }

    /** T. */
    public long observed() {
        return observed.get();
    }

    void wrote(long lsn) {
        raise(written, lsn);
        raise(observed, lsn);
    }

    void observe(long lsn) {
        raise(observed, lsn);
    }

    private static void raise(AtomicLong value, long lsn) {
        long current = value.get();
        while (lsn > current && !value.compareAndSet(current, lsn)) {
            current = value.get();
        }
    }
}
