package dev.lattice.routing;

/**
 * A session's measured costs of the two ways to serve a read that no replica can serve yet:
 * reading the primary at once, or waiting for a replica. Moving averages of its own reads (one
 * eighth per sample after the first), so the choice follows the machine; now and then it waits anyway, so the
 * cost of waiting keeps being measured while the primary is the cheaper way.
 */
final class ReadCosts {

    /** One read in this many that could go to the primary at once waits instead, to measure waiting. */
    private static final int PROBE_EVERY = 32;

    private long primaryReadNanos;
    private long waitNanos;
    private int sincePrimary;

    void primaryRead(long nanos) {
        primaryReadNanos = average(primaryReadNanos, nanos);
    }

    void waited(long nanos) {
        waitNanos = average(waitNanos, nanos);
    }

    /** The moving average with one more sample; the first sample is the average. */
    private static long average(long average, long sample) {
        return average == 0 ? Math.max(1, sample) : average + ((sample - average) >> 3);
    }

    /** Whether to read the primary rather than wait; true before either was measured. */
    boolean primaryIsCheaper() {
        if (primaryReadNanos > waitNanos || ++sincePrimary >= PROBE_EVERY) {
            sincePrimary = 0;
            return false;
        }
        return true;
    }
}
