package dev.lattice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What to run and for how long: {@code --quick} (under two minutes), {@code --full}, or
 * {@code --postgres} (Lattice over a throwaway PostgreSQL primary and two standbys against pgjdbc
 * straight to the primary, about 3.5 minutes), then any override. Every window length is in milliseconds.
 *
 * @param pgScript {@code --postgres}: the script that starts the PostgreSQL cluster; null to find
 *     {@code bin/pg-local-cluster} of the checkout
 * @param pgSettings {@code --postgres}: {@code name=value} settings given to every node with ALTER SYSTEM
 *     before the run (e.g. {@code synchronous_commit=off})
 */
public record BenchOptions(
        String mode,
        int rows,
        List<Integer> threads,
        List<String> workloads,
        List<String> configs,
        long globalWarmupMillis,
        long warmupMillis,
        long measureMillis,
        int rounds,
        long analysisMillis,
        List<Integer> lagRates,
        long lagMillis,
        long shareMillis,
        List<Integer> shareDelays,
        boolean extras,
        boolean profile,
        Path out,
        long seed,
        Path pgScript,
        List<String> pgSettings) {

    static final String USAGE = """
            usage: java -jar bench/target/lattice-bench.jar [--quick | --full | --postgres] [options]
              --quick               under 2 minutes: 4 rounds of 60 ms windows (the default)
              --full                15 rounds of 250 ms windows, longer warm-up (15-20 minutes)
              --postgres            Lattice over PostgreSQL 15 (~3.5 minutes): starts a throwaway primary and
                                    2 standbys with bin/pg-local-cluster (free ports, temporary folder,
                                    stopped at the end), measures point-select and point-update at 1, 2
                                    and 8 threads against pgjdbc straight to the primary (pg-direct),
                                    5 rounds of 200 + 800 ms windows, then the share of reads standbys
                                    serve under 500 background commits/s (3 s per level). Needs
                                    postgresql-15 installed; as root the servers run as user postgres
              --pg-script PATH      --postgres: the cluster script (default bin/pg-local-cluster)
              --pg-set a=x,b=y      --postgres: settings for every node (ALTER SYSTEM, reload), e.g.
                                    synchronous_commit=off; default: the script's (durable commits)
              --threads 1,2,8       client thread counts
              --workloads a,b       of: %s
              --configs a,b         of: %s (h2, the bar, is always run;
                                    2r-remote-* only when named here);
                                    with --postgres, of: %s (pg-direct always run)
              --rows N              rows in usertable and account (default 10000)
              --warmup-ms N         unmeasured start of every window
              --measure-ms N        measured part of every window
              --rounds N            windows per configuration, taking turns
              --global-warmup-ms N  one unmeasured window per workload and configuration first
              --lag-rates 1000,0    steady write rates for the apply-lag figures (0 = unthrottled, 8 writers)
              --lag-ms N            measured time of each apply-lag figure
              --share-delays 0,2    replica apply delays (ms) for the replica-read-share figures
              --share-ms N          measured time of each replica-read-share figure
              --no-extras           throughput table only (no analysis cost, lag, replica share)
              --profile             also sample thread stacks (JFR) and print where the CPU went
              --out DIR             where CSV, Markdown and SVG go (default bench/results)
              --seed N              random seed of the clients' keys
            """.formatted(Workloads.names(), Targets.names(), PgTargets.names());

    /** The quick mode's settings. */
    public static BenchOptions quick() {
        return new BenchOptions("quick", 10_000, List.of(1, 2, 8), Workloads.names(), Targets.defaults(),
                100, 10, 60, 4, 150, List.of(1000, 0), 800, 500, List.of(0, 2), true, false, defaultOut(), 42, null, List.of());
    }

    /** The full mode's settings. */
    public static BenchOptions full() {
        return new BenchOptions("full", 10_000, List.of(1, 2, 8), Workloads.names(), Targets.defaults(),
                500, 50, 250, 15, 1000, List.of(1000, 10_000, 0), 5000, 3000, List.of(0, 2), true, false, defaultOut(), 42,
                null, List.of());
    }

    /**
     * The PostgreSQL mode's settings: over a network hop an operation takes tens of microseconds, so
     * windows are longer than H2's; statement-analysis and apply-lag figures are H2's and not run.
     */
    public static BenchOptions postgres() {
        return new BenchOptions("postgres", 10_000, List.of(1, 2, 8), List.of("point-select", "point-update"),
                PgTargets.names(), 1000, 200, 800, 5, 0, List.of(), 0, 3000, List.of(0), true, false, defaultOut(), 42,
                null, List.of());
    }

    /** Whether this is the {@code --postgres} mode. */
    public boolean postgresMode() {
        return mode.equals("postgres");
    }

    /** Parses the command line; throws IllegalArgumentException with a message for the user. */
    public static BenchOptions parse(String... args) {
        BenchOptions o = quick();
        for (String a : args) {
            if (a.equals("--full")) {
                o = full();
            }
        }
        for (String a : args) {
            if (a.equals("--postgres")) {
                o = postgres();
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick", "--full", "--postgres" -> {
                }
                case "--no-extras" -> o = o.with(b -> b.extras = false);
                case "--profile" -> o = o.with(b -> b.profile = true);
                case "--help", "-h" -> throw new IllegalArgumentException("");
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("Unknown option or missing value: " + a);
                    }
                    String v = args[++i];
                    o = switch (a) {
                        case "--threads" -> o.with(b -> b.threads = ints(v));
                        case "--workloads" -> o.with(b -> b.workloads = names(v, Workloads.names()));
                        case "--configs" -> o.with(b -> b.configs = names(v,
                                b.mode.equals("postgres") ? PgTargets.names() : Targets.names()));
                        case "--rows" -> o.with(b -> b.rows = (int) positive(a, v));
                        case "--warmup-ms" -> o.with(b -> b.warmupMillis = nonNegative(a, v));
                        case "--measure-ms" -> o.with(b -> b.measureMillis = positive(a, v));
                        case "--rounds" -> o.with(b -> b.rounds = (int) positive(a, v));
                        case "--global-warmup-ms" -> o.with(b -> b.globalWarmupMillis = nonNegative(a, v));
                        case "--lag-rates" -> o.with(b -> b.lagRates = ints(v));
                        case "--lag-ms" -> o.with(b -> b.lagMillis = nonNegative(a, v));
                        case "--share-delays" -> o.with(b -> b.shareDelays = ints(v));
                        case "--share-ms" -> o.with(b -> b.shareMillis = nonNegative(a, v));
                        case "--pg-script" -> o.with(b -> b.pgScript = Path.of(v));
                        case "--pg-set" -> o.with(b -> b.pgSettings = settings(v));
                        case "--out" -> o.with(b -> b.out = Path.of(v));
                        case "--seed" -> o.with(b -> b.seed = Long.parseLong(v));
                        default -> throw new IllegalArgumentException("Unknown option: " + a);
                    };
                }
            }
        }
        if (o.rows() < 2) {
            throw new IllegalArgumentException("--rows must be at least 2");
        }
        return o;
    }

    /** Results go to bench/results of the checkout, whether run from its root or from bench/. */
    static Path defaultOut() {
        if (Files.isRegularFile(Path.of("bench", "pom.xml"))) {
            return Path.of("bench", "results");
        }
        return Path.of("results");
    }

    private static List<Integer> ints(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return List.copyOf(out);
    }

    private static List<String> settings(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.trim().matches("[a-z_]+=[A-Za-z0-9_.]+")) {
                throw new IllegalArgumentException("--pg-set takes name=value pairs, not '" + s + "'");
            }
            out.add(s.trim());
        }
        return List.copyOf(out);
    }

    private static List<String> names(String v, List<String> known) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            String n = s.trim();
            if (!known.contains(n)) {
                throw new IllegalArgumentException("Unknown name '" + n + "'; known: " + known);
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    private static long positive(String option, String v) {
        long n = Long.parseLong(v);
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be positive, not " + v);
        }
        return n;
    }

    private static long nonNegative(String option, String v) {
        long n = Long.parseLong(v);
        if (n < 0) {
            throw new IllegalArgumentException(option + " must not be negative, not " + v);
        }
        return n;
    }

    /** A copy with some settings changed. */
    public BenchOptions with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** Mutable settings, for {@link #with}. */
    public static final class Builder {
        public String mode;
        public int rows;
        public List<Integer> threads;
        public List<String> workloads;
        public List<String> configs;
        public long globalWarmupMillis;
        public long warmupMillis;
        public long measureMillis;
        public int rounds;
        public long analysisMillis;
        public List<Integer> lagRates;
        public long lagMillis;
        public long shareMillis;
        public List<Integer> shareDelays;
        public boolean extras;
        public boolean profile;
        public Path out;
        public long seed;
        public Path pgScript;
        public List<String> pgSettings;

        Builder(BenchOptions o) {
            mode = o.mode;
            rows = o.rows;
            threads = o.threads;
            workloads = o.workloads;
            configs = o.configs;
            globalWarmupMillis = o.globalWarmupMillis;
            warmupMillis = o.warmupMillis;
            measureMillis = o.measureMillis;
            rounds = o.rounds;
            analysisMillis = o.analysisMillis;
            lagRates = o.lagRates;
            lagMillis = o.lagMillis;
            shareMillis = o.shareMillis;
            shareDelays = o.shareDelays;
            extras = o.extras;
            profile = o.profile;
            out = o.out;
            seed = o.seed;
            pgScript = o.pgScript;
            pgSettings = o.pgSettings;
        }

        BenchOptions build() {
            return new BenchOptions(mode, rows, threads, workloads, configs, globalWarmupMillis, warmupMillis,
                    measureMillis, rounds, analysisMillis, lagRates, lagMillis, shareMillis, shareDelays,
                    extras, profile, out, seed, pgScript, pgSettings);
        }
    }

    @Override
    public String toString() {
        return mode + ": " + rows + " rows, threads " + threads + ", windows " + warmupMillis + " ms warm-up + "
                + measureMillis + " ms measured, " + rounds + " rounds per configuration, taking turns";
    }
}
