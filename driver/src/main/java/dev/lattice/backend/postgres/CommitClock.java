package dev.lattice.backend.postgres;

/**
 * When the primary was seen at which position: a ring of (time, C) samples taken by the poller
 * and after commits, from which a standby's lag in milliseconds is bounded from above. A standby
 * at position p has applied everything committed up to the last sample at or below p, so what it
 * lacks was committed after that sample's time.
 */
final class CommitClock {

    private static final int SIZE = 4096;
    private final long[] nanos = new long[SIZE];
    private final long[] positions = new long[SIZE];
    private int next;
    private int count;

    /** C was at most {@code position} at {@code nanoTime} (take the time before asking the primary). */
    synchronized void sample(long nanoTime, long position) {
        int last = (next + SIZE - 1) % SIZE;
        if (count > 0 && positions[last] >= position) {
            if (positions[last] == position && nanos[last] < nanoTime) {
                nanos[last] = nanoTime; // the same position seen later: what lacks it was committed since
            }
            return;
        }
        nanos[next] = nanoTime;
        positions[next] = position;
        next = (next + 1) % SIZE;
        count = Math.min(count + 1, SIZE);
    }

    /** Milliseconds since the last sample the position had reached; Long.MAX_VALUE when no sample is that old. */
    synchronized long lagMillis(long applied, long nowNanos) {
        for (int i = 0; i < count; i++) {
            int at = (next + SIZE - 1 - i) % SIZE;
            if (positions[at] <= applied) {
                return Math.max(0, (nowNanos - nanos[at]) / 1_000_000);
            }
        }
        return Long.MAX_VALUE;
    }
}
