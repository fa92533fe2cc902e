package dev.lattice.replication;

import java.util.EnumMap;
import java.util.Map;

/** How many times one replica has been rebuilt from a snapshot, in all and by cause (SHOW REPLICAS, metrics). */
final class RebuildCounts {

    private final long[] byCause = new long[RebuildCause.values().length];
    private volatile long total;

    synchronized void count(RebuildCause cause) {
        byCause[cause.ordinal()]++;
        total++;
    }

    long total() {
        return total;
    }

    synchronized long of(RebuildCause cause) {
        return byCause[cause.ordinal()];
    }

    /** The causes that happened, with their counts. */
    synchronized Map<RebuildCause, Long> byCause() {
        Map<RebuildCause, Long> counts = new EnumMap<>(RebuildCause.class);
        for (RebuildCause cause : RebuildCause.values()) {
            if (byCause[cause.ordinal()] > 0) {
                counts.put(cause, byCause[cause.ordinal()]);
            }
        }
        return counts;
    }
}
