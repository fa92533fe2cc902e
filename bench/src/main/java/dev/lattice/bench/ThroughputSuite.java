package dev.lattice.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Workloads × thread counts × targets. For each workload and thread count, every target runs a
 * window in turn, for several rounds, in an order that rotates and reverses from round to round:
 * raw H2 swings ±30% between JVMs and drifts within one, so ratios are only fair between
 * configurations measured side by side, in the same JVM, taking turns.
 */
final class ThroughputSuite {

    private static final long SETTLE_TIMEOUT_MILLIS = 60_000;

    private final List<Target> targets;
    private final BenchOptions options;
    private final PrintStream log;
    private final SplittableRandom seeds;
    private final long began = System.nanoTime();

    ThroughputSuite(List<Target> targets, BenchOptions options, PrintStream log) {
        this.targets = targets;
        this.options = options;
        this.log = log;
        this.seeds = new SplittableRandom(options.seed());
    }

    List<Cell> run() throws SQLException, InterruptedException {
        warmUp();
        List<Cell> cells = new ArrayList<>();
        for (Workload workload : Workloads.get(options.workloads())) {
            for (int threads : options.threads()) {
                cells.addAll(measure(workload, threads));
            }
        }
        return cells;
    }

    /** Every workload once on every target, unmeasured, so the first cells are not measured cold. */
    private void warmUp() throws SQLException, InterruptedException {
        if (options.globalWarmupMillis() <= 0) {
            return;
        }
        log.printf("warm-up: every workload on every configuration, %d ms each%n", options.globalWarmupMillis());
        for (Workload workload : Workloads.get(options.workloads())) {
            for (Target target : targets) {
                List<Client> clients = clients(target, workload, 2);
                try {
                    Window.run(clients, 0, TimeUnit.MILLISECONDS.toNanos(options.globalWarmupMillis()));
                } finally {
                    closeAll(clients);
                }
                afterWindow(target, workload, null);
            }
        }
    }

    private List<Cell> measure(Workload workload, int threads) throws SQLException, InterruptedException {
        long jitBefore = jitMillis();
        Map<Target, Cell> cells = new LinkedHashMap<>();
        Map<Target, List<Client>> clients = new LinkedHashMap<>();
        try {
            for (Target target : targets) {
                cells.put(target, new Cell(workload.name(), threads, target.name()));
                clients.put(target, clients(target, workload, threads));
            }
            for (int round = 0; round < options.rounds(); round++) {
                for (Target target : order(round)) {
                    Window.Result r = Window.run(clients.get(target),
                            TimeUnit.MILLISECONDS.toNanos(options.warmupMillis()),
                            TimeUnit.MILLISECONDS.toNanos(options.measureMillis()));
                    Cell cell = cells.get(target);
                    cell.add(r);
                    afterWindow(target, workload, cell);
                }
            }
        } finally {
            for (List<Client> list : clients.values()) {
                closeAll(list);
            }
        }
        long jit = jitMillis() - jitBefore;
        cells.values().forEach(c -> c.jitMillis(jit));
        progress(workload, threads, cells, jit);
        return new ArrayList<>(cells.values());
    }

    /** Round 0 in table order; later rounds rotate it, and odd rounds also reverse it. */
    private List<Target> order(int round) {
        List<Target> order = new ArrayList<>(targets);
        Collections.rotate(order, -round);
        if (round % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    private void afterWindow(Target target, Workload workload, Cell cell) throws SQLException {
        if (!workload.writes()) {
            return;
        }
        long cpuBefore = Machine.processCpuNanos();
        Target.Settled settled = target.settle(SETTLE_TIMEOUT_MILLIS);
        if (cell != null) {
            cell.settled(settled);
            cell.addCpu(Machine.processCpuNanos() - cpuBefore);
        }
        try (Connection c = target.open()) {
            workload.reset(c);
        }
        target.settle(SETTLE_TIMEOUT_MILLIS);
    }

    private List<Client> clients(Target target, Workload workload, int threads) throws SQLException {
        List<Client> out = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                out.add(workload.client(target.open(), seeds.split(), options.rows()));
            }
        } catch (SQLException | RuntimeException e) {
            closeAll(out);
            throw e;
        }
        return out;
    }

    private static void closeAll(List<Client> clients) {
        for (Client c : clients) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    /** Milliseconds the JIT compilers have worked so far, or 0 where the JVM does not say. */
    static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private void progress(Workload workload, int threads, Map<Target, Cell> cells, long jit) {
        double bar = cells.values().iterator().next().throughput();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%5.1f s] %-13s %d thread%s:",
                (System.nanoTime() - began) / 1e9, workload.name(), threads, threads == 1 ? " " : "s"));
        double others = 0;
        for (Cell c : cells.values()) {
            line.append(String.format(Locale.ROOT, " %s %.2f", c.target(), bar == 0 ? 0 : c.throughput() / bar));
            others = Math.max(others, Double.isNaN(c.othersCpu()) ? 0 : c.othersCpu());
        }
        line.append(String.format(Locale.ROOT, " (JIT %d ms", jit));
        if (others > 0.15) {
            line.append(String.format(Locale.ROOT, "; other processes took up to %.0f%% of the CPU", 100 * others));
        }
        line.append(')');
        log.println(line);
    }
}
