package dev.lattice.routing;

import dev.lattice.sql.consistency.ConsistencySpec;

/** QUORUM's sizes: w and r default to ⌊N/2⌋+1 over the N replicas. */
final class Quorums {

    private Quorums() {
    }

    static int write(ConsistencySpec spec, int replicas) {
        return spec.getWriteQuorum() > 0 ? spec.getWriteQuorum() : replicas / 2 + 1;
    }

    static int read(ConsistencySpec spec, int replicas) {
        return spec.getReadQuorum() > 0 ? spec.getReadQuorum() : replicas / 2 + 1;
    }
}
