package dev.lattice.routing;

import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;

/**
 * How a session starts: its consistency level, timeout and fallback, whether it shares its causal
 * position with the cluster's other shared sessions, and how long a commit waits for a replica of
 * the synchronous set before taking it out.
 */
public record SessionOptions(ConsistencySpec consistency, long timeoutMillis, Fallback fallback,
                             boolean sharedScope, long failureTimeoutMillis) {

    public static final SessionOptions DEFAULT = new SessionOptions(ConsistencySpec.of(ConsistencyLevel.CAUSAL),
            1000, Fallback.PRIMARY, false, 1000);
}
