package dev.lattice.routing;

/**
 * A session's measured costs of the two ways to serve a read that no replica can serve yet:
 * reading the primary at once, or waiting for a replica. Moving averages of its own reads, so the
 * choice follows the machine; one read in {@value #PROBE_EVERY} takes the way measured dearer, so
 * both keep being measured.
 */
final class ReadCosts {

    /** One read in this many takes the way measured dearer, to measure it again. */
    private static final int PROBE_EVERY = 32;

    private long primaryReadNanos;
    private long waitNanos;
    private int sinceProbe;

    void primaryRead(long nanos) {
        primaryReadNanos = average(primaryReadNanos, nanos);
    }

    void waited(long nanos) {
        waitNanos = average(waitNanos, nanos);
    }

    /**
     * The moving average with one more sample: half the way down to a lower sample, an eighth of the
     * way up to a higher one. A read's cost has a floor and rare spikes (its first run on a node
     * prepares the statement there; a GC pause; a thread taken off its core), and one spike must
     * not make a way look dear for the next thousand reads. The first sample is the average.
     */
    private static long average(long average, long sample) {
        if (average == 0) {
            return Math.max(1, sample);
        }
        return sample < average ? average - ((average - sample) >> 1) : average + ((sample - average) >> 3);
    }

    /** Whether to read the primary rather than wait; true before either was measured. */
    boolean primaryIsCheaper() {
        boolean primary = primaryReadNanos <= waitNanos;
        if (++sinceProbe >= PROBE_EVERY) {
            sinceProbe = 0;
            return !primary;
        }
        return primary;
    }
}
