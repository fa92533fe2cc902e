package dev.lattice.routing;

import dev.lattice.sql.consistency.ConsistencyLevel;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.concurrent.atomic.LongAdder;
import org.h2.tools.SimpleResultSet;

/** The counters of SHOW STATS, per consistency level, for one cluster. */
public final class RoutingStats {

    /** What is counted. */
    enum Counter { PRIMARY_READS, REPLICA_READS, WAITS, WAIT_MICROS, FALLBACKS, ERRORS, SYNC_COMMITS, DEADLOCKS }

    private final LongAdder[][] counters;

    public RoutingStats() {
        counters = new LongAdder[ConsistencyLevel.values().length][Counter.values().length];
        for (LongAdder[] level : counters) {
            for (int i = 0; i < level.length; i++) {
                level[i] = new LongAdder();
            }
        }
    }

    void add(ConsistencyLevel level, Counter counter, long n) {
        counters[level.ordinal()][counter.ordinal()].add(n);
    }

    void increment(ConsistencyLevel level, Counter counter) {
        counters[level.ordinal()][counter.ordinal()].increment();
    }

    long get(ConsistencyLevel level, Counter counter) {
        return counters[level.ordinal()][counter.ordinal()].sum();
    }

    /** A row per level: level, primary_reads, replica_reads, waits, wait_ms, fallbacks, errors, sync_commits, deadlocks. */
    public ResultSet show() {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("LEVEL", Types.VARCHAR, 32, 0);
        for (String name : new String[] {"PRIMARY_READS", "REPLICA_READS", "WAITS"}) {
            rs.addColumn(name, Types.BIGINT, 19, 0);
        }
        rs.addColumn("WAIT_MS", Types.DOUBLE, 17, 0);
        for (String name : new String[] {"FALLBACKS", "ERRORS", "SYNC_COMMITS", "DEADLOCKS"}) {
            rs.addColumn(name, Types.BIGINT, 19, 0);
        }
        for (ConsistencyLevel level : ConsistencyLevel.values()) {
            rs.addRow(level.name(), get(level, Counter.PRIMARY_READS), get(level, Counter.REPLICA_READS),
                    get(level, Counter.WAITS), get(level, Counter.WAIT_MICROS) / 1000.0,
                    get(level, Counter.FALLBACKS), get(level, Counter.ERRORS), get(level, Counter.SYNC_COMMITS),
                    get(level, Counter.DEADLOCKS));
        }
        return rs;
    }
}
