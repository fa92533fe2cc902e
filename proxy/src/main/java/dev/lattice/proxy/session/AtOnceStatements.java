package dev.lattice.proxy.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The point reads and writes the proxy runs on an event loop, with no hand-off to a worker
 * thread: how many ran there, how many met a wait and were handed back to their worker, and which
 * were measured too slow for it (a key that has no index, a slow function). Once one has taken
 * longer than {@link #SLOW_NANOS} twice, it runs on its session's worker from then on. Shared by
 * the proxy's sessions; bounded.
 */
public final class AtOnceStatements {

    /** Longer than this on an event loop holds up the other connections of that loop too long. */
    static final long SLOW_NANOS = 2_000_000;
    /** Two strikes: one pause of the JVM or of the machine does not mark a fast statement slow. */
    private static final int STRIKES = 2;
    private static final int MAX = 10_000;

    private final Map<String, Integer> strikes = new ConcurrentHashMap<>();
    private final LongAdder served = new LongAdder();
    private final LongAdder requeued = new LongAdder();

    /** Statements run on an event loop so far. */
    public long served() {
        return served.sum();
    }

    /** Statements that met a wait on an event loop (a row lock, DDL) and went to their worker, untouched. */
    public long handedBack() {
        return requeued.sum();
    }

    void handBack() {
        requeued.increment();
    }

    /** Whether the H2 text has been measured slow. */
    boolean slow(String h2Sql) {
        Integer n = strikes.get(h2Sql);
        return n != null && n >= STRIKES;
    }

    /** Records a run of the H2 text on an event loop that completed, and how long it took. */
    void ran(String h2Sql, long nanos) {
        served.increment();
        if (nanos <= SLOW_NANOS) {
            return;
        }
        if (strikes.size() >= MAX) {
            strikes.clear();
        }
        strikes.merge(h2Sql, 1, Integer::sum);
    }
}
