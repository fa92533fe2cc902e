package dev.lattice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * A run's results as text: the console tables, the same tables in Markdown (for
 * docs/benchmarks.md), CSV files and the SVG chart of the ratios. Every section names the
 * machine's core count, since no figure means anything without it.
 */
public final class Report {

    /**
     * A performance target, against raw H2 in the same run: throughput at least {@code bound} times
     * the baseline's, or with {@code p99} the 99th-percentile latency at most {@code bound} times.
     */
    record Goal(String workload, String target, double bound, boolean p99) {

        Goal(String workload, String target, double minRatio) {
            this(workload, target, minRatio, false);
        }
    }

    /** Issue 12's targets (and the earlier point-select one). */
    static final List<Goal> GOALS = List.of(
            new Goal("point-select", "2r-eventual", 0.8),
            new Goal("point-select", "2r-causal", 0.8),
            new Goal("point-update", "2r-eventual", 0.8),
            new Goal("point-update", "2r-causal", 0.8),
            new Goal("point-update", "2r-strong", 0.4),
            new Goal("point-update", "2r-quorum", 0.4),
            new Goal("mix-50/50", "2r-causal", 0.7),
            new Goal("mix-50/50", "2r-causal", 3.0, true));

    private final BenchOptions options;
    private final String machine;
    private final String started;
    private final List<Cell> cells;
    private final List<AnalysisCost.Row> analysis;
    private final List<ReplicaLag.Row> lag;
    private final List<ReplicaReadShare.Row> share;
    private double seconds;
    private double othersShare = Double.NaN;
    private final String cores = Machine.coresNote();
    private String baseline = Targets.BASELINE;
    private String baselineLabel = "raw H2";
    private List<Goal> goals = GOALS;
    private final List<Extra> extras = new ArrayList<>();

    /** A further table of a run: its title, a note for the Markdown, and its CSV file's suffix and rows. */
    record Extra(String title, String note, TextTable table, String csvSuffix, List<List<Object>> csv) {
    }

    Report(BenchOptions options, String machine, String started, List<Cell> cells, List<AnalysisCost.Row> analysis,
           List<ReplicaLag.Row> lag, List<ReplicaReadShare.Row> share) {
        this.options = options;
        this.machine = machine;
        this.started = started;
        this.cells = cells;
        this.analysis = analysis;
        this.lag = lag;
        this.share = share;
    }

    /**
     * Ratios divide by another target than raw H2 (e.g. pgjdbc straight to PostgreSQL), with goals of
     * their own; the CPU-efficiency table and the chart, which assume an in-process bar, are left out.
     */
    Report baseline(String name, String label, List<Goal> goalsOfRun) {
        baseline = name;
        baselineLabel = label;
        goals = goalsOfRun;
        return this;
    }

    /** Adds a table after the standard ones. */
    Report extra(Extra extra) {
        extras.add(extra);
        return this;
    }

    private boolean inProcessBaseline() {
        return baseline.equals(Targets.BASELINE);
    }

    /** The run's length, and the share of the machine's CPU that other processes took meanwhile. */
    void finished(double totalSeconds, double othersCpuShare) {
        seconds = totalSeconds;
        othersShare = othersCpuShare;
    }

    private String disturbance() {
        if (Double.isNaN(othersShare)) {
            return "";
        }
        return String.format(Locale.ROOT, "Other processes used %.0f%% of the machine's CPU during the run%s",
                100 * othersShare, othersShare > 0.05 ? " (figures are noisier than on an idle machine)" : "");
    }

    List<Cell> cells() {
        return cells;
    }

    /** Throughput of a cell divided by raw H2's for the same workload and thread count. */
    double ratio(Cell c) {
        for (Cell b : cells) {
            if (b.target().equals(baseline) && b.workload().equals(c.workload()) && b.threads() == c.threads()) {
                return b.throughput() == 0 ? 0 : c.throughput() / b.throughput();
            }
        }
        return Double.NaN;
    }

    /**
     * Raw H2's CPU time per operation divided by this cell's (whole process, catch-up included):
     * barely moved by other processes sharing the machine, and once the clients keep every core
     * busy, what the throughput ratio would be on an idle machine.
     */
    double cpuRatio(Cell c) {
        for (Cell b : cells) {
            if (b.target().equals(baseline) && b.workload().equals(c.workload()) && b.threads() == c.threads()) {
                return b.cpuMicrosPerOperation() / c.cpuMicrosPerOperation();
            }
        }
        return Double.NaN;
    }

    /** A cell's p99 latency divided by the baseline's for the same workload and thread count. */
    double p99Ratio(Cell c) {
        for (Cell b : cells) {
            if (b.target().equals(baseline) && b.workload().equals(c.workload()) && b.threads() == c.threads()) {
                return c.latencyMicros(99) / b.latencyMicros(99);
            }
        }
        return Double.NaN;
    }

    /** As {@link #ratio}, counting the replicas' catch-up time after each window. */
    double sustainedRatio(Cell c) {
        double r = ratio(c);
        return c.throughput() == 0 ? r : r * c.sustainedThroughput() / c.throughput();
    }

    // ---- tables ----

    TextTable throughputTable() {
        String x = inProcessBaseline() ? "× h2" : "× " + baseline;
        TextTable t = new TextTable("workload", ">threads", "configuration", ">ops/s", ">p50 µs", ">p99 µs",
                ">" + x, ">" + x + " incl. catch-up", ">CPU µs/op", ">errors");
        for (Cell c : cells) {
            boolean replicated = c.target().startsWith("2r-");
            t.row(c.workload(), c.threads(), c.target(), String.format(Locale.ROOT, "%,.0f", c.throughput()),
                    micros(c.latencyMicros(50)), micros(c.latencyMicros(99)), ratioText(ratio(c)),
                    replicated && isWrite(c.workload()) ? ratioText(sustainedRatio(c)) + (c.allCaughtUp() ? "" : "!")
                            : "",
                    Double.isNaN(c.cpuMicrosPerOperation()) ? "" : micros(c.cpuMicrosPerOperation()), c.errors());
        }
        return t;
    }

    TextTable ratioMatrix() {
        return matrix(inProcessBaseline() ? "h2 ops/s" : baseline + " ops/s", c -> String.format(Locale.ROOT, "%,.0f", c.throughput()), this::ratio);
    }

    TextTable cpuMatrix() {
        return matrix("h2 CPU µs/op", c -> micros(c.cpuMicrosPerOperation()), this::cpuRatio);
    }

    private TextTable matrix(String barColumn, java.util.function.Function<Cell, String> bar,
                             java.util.function.ToDoubleFunction<Cell> value) {
        List<String> targets = new ArrayList<>(new LinkedHashSet<>(cells.stream().map(Cell::target).toList()));
        targets.remove(baseline);
        List<String> columns = new ArrayList<>(List.of("workload", ">threads", ">" + barColumn));
        targets.forEach(n -> columns.add(">" + n));
        TextTable t = new TextTable(columns.toArray(String[]::new));
        Map<String, Map<String, Cell>> byRow = new LinkedHashMap<>();
        for (Cell c : cells) {
            byRow.computeIfAbsent(c.workload() + "\u0000" + c.threads(), k -> new LinkedHashMap<>()).put(c.target(), c);
        }
        for (Map<String, Cell> row : byRow.values()) {
            Cell bar0 = row.get(baseline);
            List<Object> out = new ArrayList<>(List.of(bar0.workload(), bar0.threads(), bar.apply(bar0)));
            for (String n : targets) {
                Cell c = row.get(n);
                out.add(c == null ? "" : ratioText(value.applyAsDouble(c)));
            }
            t.row(out.toArray());
        }
        return t;
    }

    TextTable goalsTable() {
        // CPU per operation compares like with like only when the bar runs in this process too
        boolean cpu = inProcessBaseline();
        List<String> columns = new ArrayList<>(List.of("workload", "configuration", ">threads",
                ">" + (cpu ? "× h2" : "× " + baseline), ">goal", "verdict"));
        if (cpu) {
            columns.add(">CPU × h2");
        }
        TextTable t = new TextTable(columns.toArray(String[]::new));
        for (Goal g : goals) {
            for (Cell c : cells) {
                if (c.workload().equals(g.workload()) && c.target().equals(g.target())) {
                    double r = g.p99() ? p99Ratio(c) : ratio(c);
                    boolean met = g.p99() ? r <= g.bound() : r >= g.bound();
                    List<Object> row = new ArrayList<>(List.of(c.workload(), c.target(), c.threads(),
                            String.format(Locale.ROOT, "%.3f", r),
                            String.format(Locale.ROOT, g.p99() ? "p99 ≤ %.2f" : "≥ %.2f", g.bound()),
                            met ? "met" : "MISSED"));
                    if (cpu) {
                        row.add(g.p99() ? "" : ratioText(cpuRatio(c)));
                    }
                    t.row(row.toArray());
                }
            }
        }
        return t;
    }

    TextTable analysisTable() {
        TextTable t = new TextTable("statement", ">cached ns", ">uncached µs", ">uncached / cached");
        for (AnalysisCost.Row r : analysis) {
            t.row(r.statement(), String.format(Locale.ROOT, "%.0f", r.cachedNanos()),
                    String.format(Locale.ROOT, "%.1f", r.uncachedNanos() / 1000),
                    String.format(Locale.ROOT, "%,.0f×", r.uncachedNanos() / r.cachedNanos()));
        }
        return t;
    }

    TextTable lagTable() {
        TextTable t = new TextTable("write load", ">writers", ">tx/s", ">apply p50 µs", ">apply p99 µs",
                ">apply max µs", ">LAG_LSN p50", ">LAG_LSN p99", ">LAG_LSN max", ">LAG_MS p50", ">LAG_MS p99",
                ">rebuilds", ">throttled", ">throttle wait ms");
        for (ReplicaLag.Row r : lag) {
            t.row(r.targetRate() == 0 ? "unthrottled" : String.format(Locale.ROOT, "%,d tx/s", r.targetRate()),
                    r.writers(), String.format(Locale.ROOT, "%,.0f", r.achievedRate()),
                    micros(pct(r.applyNanos(), 50) / 1000), micros(pct(r.applyNanos(), 99) / 1000),
                    micros(r.applyNanos().getMaxValue() / 1000.0),
                    String.format(Locale.ROOT, "%.0f", pct(r.lagLsn(), 50)),
                    String.format(Locale.ROOT, "%.0f", pct(r.lagLsn(), 99)), r.lagLsn().getMaxValue(),
                    String.format(Locale.ROOT, "%.0f", pct(r.lagMillis(), 50)),
                    String.format(Locale.ROOT, "%.0f", pct(r.lagMillis(), 99)), r.rebuilds(), r.throttledCommits(),
                    r.throttleWaitMillis());
        }
        return t;
    }

    TextTable shareTable() {
        TextTable t = new TextTable(">delay ms", "level", ">timeout ms", ">ops/s", ">p99 µs", ">reads", ">on replicas",
                ">waits", ">mean wait ms", ">fallbacks", ">errors");
        for (ReplicaReadShare.Row r : share) {
            long reads = r.primaryReads() + r.replicaReads();
            t.row(r.delayMillis(), r.level(), r.timeoutMillis(), String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()),
                    micros(r.p99Micros()), reads, String.format(Locale.ROOT, "%.1f%%", 100 * r.replicaShare()),
                    r.waits(), r.waits() == 0 ? "0" : String.format(Locale.ROOT, "%.2f", r.waitMillis() / r.waits()),
                    r.fallbacks(), r.errors());
        }
        return t;
    }

    // ---- whole reports ----

    String plain() {
        StringBuilder out = new StringBuilder();
        out.append("Lattice benchmarks, ").append(options.mode()).append(" mode, ").append(started).append('\n');
        out.append("Machine: ").append(machine).append('\n');
        out.append("Every figure was measured on this ").append(cores)
                .append(" machine; ratios are to ").append(baselineLabel)
                .append(" measured in the same run, configurations taking turns.\n");
        out.append(options).append('\n');
        if (!disturbance().isEmpty()) {
            out.append(disturbance()).append(".\n");
        }
        out.append('\n');
        section(out, "Throughput and latency (" + cores + "); ops/s is the median of the windows; "
                + (inProcessBaseline() ? "incl. catch-up also counts the time replicas took to apply each window's "
                + "writes; CPU µs/op is the whole process's CPU time per operation, catch-up included"
                : "CPU µs/op is this JVM's CPU time per operation (clients and Lattice, not PostgreSQL's)"),
                throughputTable().plain());
        section(out, "Ratio to " + baselineLabel + " (" + cores + ")", ratioMatrix().plain());
        if (inProcessBaseline()) {
            section(out, "CPU efficiency: raw H2's CPU µs/op ÷ the configuration's, whole process (" + cores + ")",
                    cpuMatrix().plain());
        }
        section(out, "Targets (" + cores + ")", goalsTable().plain());
        if (!analysis.isEmpty()) {
            section(out, "Statement analysis, one thread (" + cores + ")", analysisTable().plain());
        }
        if (!lag.isEmpty()) {
            section(out, "Replica apply lag under steady point updates, 2 replicas (" + cores + ")",
                    lagTable().plain());
        }
        if (!share.isEmpty()) {
            section(out, "Reads served by replicas: mix-95/5, " + ReplicaReadShare.CLIENTS + " clients, replicas "
                    + "applying with the given delay, " + ReplicaReadShare.BACKGROUND_RATE
                    + " background commits/s (" + cores + ")", shareTable().plain());
        }
        for (Extra e : extras) {
            section(out, e.title() + " (" + cores + ")", e.table().plain());
        }
        if (seconds > 0) {
            out.append(String.format(Locale.ROOT, "Run took %.0f s.%n", seconds));
        }
        return out.toString();
    }

    private static void section(StringBuilder out, String title, String table) {
        out.append("== ").append(title).append(" ==\n").append(table).append('\n');
    }

    String markdown(String chartFile) {
        StringBuilder out = new StringBuilder();
        out.append("Run: ").append(options.mode()).append(" mode, ").append(started);
        if (seconds > 0) {
            out.append(String.format(Locale.ROOT, ", took %.0f s", seconds));
        }
        out.append(".  \nMachine: ").append(machine).append(".  \n");
        out.append(options).append(".  \n");
        if (!disturbance().isEmpty()) {
            out.append(disturbance()).append('.');
        }
        out.append("\n\n");
        if (chartFile != null) {
            out.append("![Throughput ratio to raw H2](").append(chartFile).append(")\n\n");
        }
        mdSection(out, "Ratio to " + baselineLabel + " (" + cores + ")", ratioMatrix().markdown());
        if (inProcessBaseline()) {
            mdSection(out, "CPU efficiency (" + cores + ")", "Raw H2's CPU time per operation divided by the "
                    + "configuration's, for the whole process (clients, appliers, JIT, GC; replicas' catch-up "
                    + "included). Other processes on the machine barely move it, and once the clients keep both "
                    + "cores busy it is what the throughput ratio tends to on an idle machine.\n\n"
                    + cpuMatrix().markdown());
        }
        mdSection(out, "Targets (" + cores + ")", goalsTable().markdown());
        mdSection(out, "Throughput and latency (" + cores + ")", !inProcessBaseline()
                ? "ops/s: median over the windows; p50/p99: every operation of every window. CPU µs/op: CPU time "
                + "of the benchmark's JVM (clients and Lattice, not the PostgreSQL servers) per operation.\n\n"
                + throughputTable().markdown()
                : "ops/s: median over the windows; p50/p99: "
                + "every operation of every window. × h2 incl. catch-up: the same ratio when the time the replicas "
                + "took to apply each window's writes (after it closed) is counted too, i.e. the rate replicas keep "
                + "up with (`!`: they did not catch up within 60 s). CPU µs/op: CPU time of the whole benchmark process "
                + "(clients, appliers, JIT, GC) per operation, catch-up included; with 2 cores it bounds throughput."
                + "\n\n" + throughputTable().markdown());
        if (!analysis.isEmpty()) {
            mdSection(out, "Statement analysis, one thread (" + cores + ")", analysisTable().markdown());
        }
        if (!lag.isEmpty()) {
            mdSection(out, "Replica apply lag under steady point updates, 2 replicas (" + cores + ")",
                    "apply: from COMMIT returning to a watcher thread seeing the replica's applied LSN cover it; "
                    + "LAG_LSN / LAG_MS: sampled every millisecond per replica, as SHOW REPLICAS reports them.\n\n"
                    + lagTable().markdown());
        }
        if (!share.isEmpty()) {
            mdSection(out, "Reads served by replicas (" + cores + ")", "mix-95/5 with " + ReplicaReadShare.CLIENTS
                    + " clients; replicas apply with the injected delay shown (0: their natural lag); a "
                    + "background session commits " + ReplicaReadShare.BACKGROUND_RATE + " point updates/s. "
                    + "Counts are SHOW STATS deltas for the level.\n\n" + shareTable().markdown());
        }
        for (Extra e : extras) {
            mdSection(out, e.title() + " (" + cores + ")", e.note() + "\n\n" + e.table().markdown());
        }
        return out.toString();
    }

    private static void mdSection(StringBuilder out, String title, String body) {
        out.append("### ").append(title).append("\n\n").append(body).append('\n');
    }

    // ---- files ----

    /** Writes the CSV files, the Markdown report and the SVG chart; returns the paths written. */
    List<Path> write(Path dir, String stamp) throws IOException {
        Files.createDirectories(dir);
        String base = stamp + "-" + options.mode();
        List<Path> written = new ArrayList<>();
        written.add(csv(dir.resolve(base + "-throughput.csv"), throughputCsv()));
        if (!analysis.isEmpty()) {
            written.add(csv(dir.resolve(base + "-analysis.csv"), analysisCsv()));
        }
        if (!lag.isEmpty()) {
            written.add(csv(dir.resolve(base + "-lag.csv"), lagCsv()));
        }
        if (!share.isEmpty()) {
            written.add(csv(dir.resolve(base + "-replica-reads.csv"), shareCsv()));
        }
        for (Extra e : extras) {
            written.add(csv(dir.resolve(base + "-" + e.csvSuffix() + ".csv"), e.csv()));
        }
        Path svg = null;
        if (inProcessBaseline()) {
            svg = dir.resolve(base + "-ratios.svg");
            Files.writeString(svg, RatioChart.svg(this, cores), StandardCharsets.UTF_8);
            written.add(svg);
        }
        Path md = dir.resolve(base + ".md");
        Files.writeString(md, markdown(svg == null ? null : svg.getFileName().toString()), StandardCharsets.UTF_8);
        written.add(md);
        return written;
    }

    private static Path csv(Path file, List<List<Object>> rows) throws IOException {
        StringBuilder out = new StringBuilder();
        for (List<Object> row : rows) {
            List<String> cells = new ArrayList<>();
            for (Object o : row) {
                String s = o instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(o);
                cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
            }
            out.append(String.join(",", cells)).append('\n');
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
        return file;
    }

    private List<List<Object>> throughputCsv() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("workload", "threads", "configuration", "operations", "seconds", "ops_per_s",
                "mean_ops_per_s", "p50_us", "p99_us", "p999_us", "ratio_to_" + baseline.replace('-', '_'), "ratio_incl_catch_up", "errors",
                "backlog_lsn", "catch_up_ms", "cpu_us_per_op", "windows", "others_cpu", "jit_ms", "cores"));
        for (Cell c : cells) {
            rows.add(List.of(c.workload(), c.threads(), c.target(), c.operations(), c.seconds(), c.throughput(),
                    c.meanThroughput(), c.latencyMicros(50), c.latencyMicros(99), c.latencyMicros(99.9), ratio(c),
                    sustainedRatio(c), c.errors(), c.backlogLsn(), c.settleMillis(), c.cpuMicrosPerOperation(), c.windows(), c.othersCpu(),
                    c.jitMillis(), Machine.cores()));
        }
        return rows;
    }

    private List<List<Object>> analysisCsv() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("statement", "sql", "cached_ns", "uncached_ns", "cores"));
        for (AnalysisCost.Row r : analysis) {
            rows.add(List.of(r.statement(), r.sql(), r.cachedNanos(), r.uncachedNanos(), Machine.cores()));
        }
        return rows;
    }

    private List<List<Object>> lagCsv() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("target_tx_per_s", "writers", "transactions", "tx_per_s", "apply_p50_us", "apply_p99_us",
                "apply_max_us", "lag_lsn_p50", "lag_lsn_p99", "lag_lsn_max", "lag_ms_p50", "lag_ms_p99",
                "lag_unknown_samples", "rebuilds", "throttled_commits", "throttle_wait_ms", "cores"));
        for (ReplicaLag.Row r : lag) {
            rows.add(List.of(r.targetRate(), r.writers(), r.transactions(), r.achievedRate(),
                    pct(r.applyNanos(), 50) / 1000, pct(r.applyNanos(), 99) / 1000, r.applyNanos().getMaxValue() / 1000.0,
                    pct(r.lagLsn(), 50), pct(r.lagLsn(), 99), r.lagLsn().getMaxValue(), pct(r.lagMillis(), 50),
                    pct(r.lagMillis(), 99), r.unknownLagSamples(), r.rebuilds(), r.throttledCommits(),
                    r.throttleWaitMillis(), Machine.cores()));
        }
        return rows;
    }

    private List<List<Object>> shareCsv() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("level", "timeout_ms", "delay_ms","ops_per_s", "p99_us", "primary_reads", "replica_reads",
                "replica_share", "waits", "wait_ms", "fallbacks", "errors", "cores"));
        for (ReplicaReadShare.Row r : share) {
            rows.add(List.of(r.level(), r.timeoutMillis(), r.delayMillis(), r.opsPerSecond(), r.p99Micros(),
                    r.primaryReads(), r.replicaReads(), r.replicaShare(), r.waits(), r.waitMillis(), r.fallbacks(),
                    r.errors(), Machine.cores()));
        }
        return rows;
    }

    // ---- formatting ----

    static boolean isWrite(String workload) {
        return Workloads.get(workload).writes();
    }

    static double pct(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : (double) h.getValueAtPercentile(percentile);
    }

    static String micros(double us) {
        return String.format(Locale.ROOT, us < 100 ? "%.1f" : "%,.0f", us);
    }

    static String ratioText(double r) {
        return Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.2f", r);
    }

    /** Workloads and thread counts in the order measured. */
    Set<Integer> threadCounts() {
        Set<Integer> out = new LinkedHashSet<>();
        cells.forEach(c -> out.add(c.threads()));
        return out;
    }
}
