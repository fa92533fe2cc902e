package dev.lattice.proxy.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The point reads and writes the proxy runs on an event loop, with no hand-off to a worker
 * thread: how many ran there, how many met a wait and were handed back to their worker, and which
 * were measured too slow for it (a key that has no index, a slow function). One that took longer
 * than {@link #SLOW_NANOS} three runs in a row runs on its session's worker for the next
 * {@link #SLOW_FOR_NANOS}, then is tried on the event loop again. Shared by the proxy's sessions;
 * bounded.
 */
public final class AtOnceStatements {

    /** Longer than this on an event loop holds up the other connections of that loop too long. */
    static final long SLOW_NANOS = 5_000_000;
    /**
     * Runs in a row over {@link #SLOW_NANOS} that mark a statement slow: a pause of the JVM or of
     * the machine, or a cold start (JIT), does not.
     */
    private static final int STRIKES = 3;
    /** How long a statement marked slow runs on its worker before it is tried on the event loop again. */
    static final long SLOW_FOR_NANOS = 5_000_000_000L;
    private static final int MAX = 10_000;

    /** Per H2 text: slow runs in a row, and until when it counts as slow. */
    private record Mark(int strikes, long slowUntil) {
    }

    private final Map<String, Mark> marks = new ConcurrentHashMap<>();
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

    /** Whether the H2 text counts as slow now. */
    boolean slow(String h2Sql) {
        Mark m = marks.get(h2Sql);
        return m != null && m.slowUntil - System.nanoTime() > 0;
    }

    /** Records a run of the H2 text on an event loop that completed, and how long it took. */
    void ran(String h2Sql, long nanos) {
        served.increment();
        if (nanos <= SLOW_NANOS) {
            if (!marks.isEmpty()) {
                marks.remove(h2Sql); // a fast run ends a row of slow ones
            }
            return;
        }
        if (marks.size() >= MAX) {
            marks.clear();
        }
        marks.compute(h2Sql, (text, m) -> {
            int strikes = m == null ? 1 : m.strikes + 1;
            return new Mark(strikes, strikes >= STRIKES ? System.nanoTime() + SLOW_FOR_NANOS : 0);
        });
    }
}
