package dev.lattice.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark suite's entry point: {@code java -jar bench/target/lattice-bench.jar --quick} (or
 * {@code --postgres}). Prints the tables and writes CSV, Markdown and an SVG chart under {@code bench/results/}.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        Profile profile = options.profile() ? new Profile() : null;
        Report report = run(options, System.out);
        System.out.println();
        System.out.print(report.plain());
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        List<Path> written = new ArrayList<>(report.write(options.out(), stamp));
        if (profile != null) {
            String base = stamp + "-" + options.mode() + "-profile";
            String summary = profile.finish(options.out().resolve(base + ".jfr"), 25);
            System.out.println();
            System.out.print(summary);
            Path text = options.out().resolve(base + ".txt");
            Files.writeString(text, summary);
            written.add(options.out().resolve(base + ".jfr"));
            written.add(text);
        }
        for (Path p : written) {
            System.out.println("wrote " + p);
        }
        System.exit(0);
    }

    /** Runs everything the options ask for, logging progress; the report is not yet written anywhere. */
    public static Report run(BenchOptions options, PrintStream log) throws Exception {
        long begin = System.nanoTime();
        Machine.CpuReading cpuBefore = Machine.cpu();
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT));
        String code = Machine.code();
        String machine = Machine.describe() + (code.isEmpty() ? "" : "; code: " + code);
        log.println("Lattice benchmarks on " + machine);
        log.println(options);
        if (options.postgresMode()) {
            PgSuite.Result pg = PgSuite.run(options, log);
            Report report = PgSuite.report(new Report(options, machine + "; " + pg.cluster().replaceFirst(" under .*", "")
                    + " (PostgreSQL 15, the same machine)", started, pg.cells(), List.of(), List.of(), List.of()),
                    pg.share(), pg.replay());
            report.finished((System.nanoTime() - begin) / 1e9, pg.othersCpu());
            return report;
        }
        String prefix = "bench" + Long.toString(System.nanoTime() & 0xffffffL, 36);
        List<Target> targets = Targets.create(options.configs(), prefix);
        List<Cell> cells;
        try {
            log.printf("loading %,d rows into each of %d configurations%n", options.rows(), targets.size());
            for (Target t : targets) {
                try (Connection c = t.open()) {
                    BenchSchema.create(c, options.rows());
                }
                t.settle(60_000);
            }
            cells = new ThroughputSuite(targets, options, log).run();
        } finally {
            targets.forEach(Target::close);
        }
        List<AnalysisCost.Row> analysis = new ArrayList<>();
        List<ReplicaLag.Row> lag = new ArrayList<>();
        List<ReplicaReadShare.Row> share = new ArrayList<>();
        if (options.extras()) {
            if (options.analysisMillis() > 0) {
                log.println("statement analysis cost, cached and uncached");
                analysis = AnalysisCost.run(options.analysisMillis());
            }
            if (!options.lagRates().isEmpty() && options.lagMillis() > 0) {
                lag = ReplicaLag.run(prefix + "-lag", options, log);
            }
            if (options.shareMillis() > 0) {
                share = ReplicaReadShare.run(prefix + "-share", options, log);
            }
        }
        Report report = new Report(options, machine, started, cells, analysis, lag, share);
        report.finished((System.nanoTime() - begin) / 1e9, Machine.othersShare(cpuBefore, Machine.cpu()));
        return report;
    }
}
