package dev.lattice.bench;

import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementAnalyzer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What statement analysis costs per statement, from the cache ({@code analyze}, a repeated text)
 * and computed afresh ({@code analyzeUncached}, a text seen for the first time), single-threaded.
 */
final class AnalysisCost {

    /** The statements the workloads run, plus a join and a Lattice statement. */
    static final Map<String, String> STATEMENTS = new java.util.LinkedHashMap<>();

    static {
        STATEMENTS.put("point select", Workloads.SELECT);
        STATEMENTS.put("point update", Workloads.UPDATE);
        STATEMENTS.put("balance read", Workloads.BALANCE);
        STATEMENTS.put("insert", Workloads.INSERT);
        STATEMENTS.put("join + group by", "SELECT a.id, SUM(l.amount) FROM account a JOIN ledger_entry l "
                + "ON l.account_id = a.id WHERE a.id BETWEEN ? AND ? GROUP BY a.id ORDER BY a.id");
        STATEMENTS.put("SET CONSISTENCY", "SET CONSISTENCY BOUNDED_STALENESS 100 MS");
    }

    private AnalysisCost() {
    }

    /** One statement's cost: nanoseconds per analysis, cached and uncached. */
    record Row(String statement, String sql, double cachedNanos, double uncachedNanos) {
    }

    static List<Row> run(long millisPerMeasurement) throws SQLException {
        StatementAnalyzer analyzer = new StatementAnalyzer();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : STATEMENTS.entrySet()) {
            String sql = e.getValue();
            // warm-up of both paths, then the measurements
            time(analyzer, sql, false, millisPerMeasurement / 2);
            time(analyzer, sql, true, millisPerMeasurement / 2);
            double uncached = time(analyzer, sql, true, millisPerMeasurement);
            double cached = time(analyzer, sql, false, millisPerMeasurement);
            rows.add(new Row(e.getKey(), sql, cached, uncached));
        }
        return rows;
    }

    private static int sink;

    /** Mean nanoseconds per analysis over a window of about the given length. */
    private static double time(StatementAnalyzer analyzer, String sql, boolean uncached, long millis)
            throws SQLException {
        long end = System.nanoTime() + millis * 1_000_000L;
        long calls = 0;
        long start = System.nanoTime();
        long now;
        int h = 0;
        do {
            for (int i = 0; i < 64; i++) {
                StatementAnalysis a = uncached ? analyzer.analyzeUncached(sql) : analyzer.analyze(sql);
                h += a.kind().ordinal();
            }
            calls += 64;
            now = System.nanoTime();
        } while (now - end < 0);
        sink += h;
        return (double) (now - start) / calls;
    }
}
