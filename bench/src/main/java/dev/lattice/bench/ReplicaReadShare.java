package dev.lattice.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Where reads go when sessions write too: the 95/5 mix at READ_YOUR_WRITES and CAUSAL (EVENTUAL
 * for reference) on a 2-replica cluster whose replicas apply with a small injected delay, while a
 * background writer keeps a steady stream of commits going. Counted from SHOW STATS, per level,
 * with the default consistency timeout (reads wait for a replica) and with timeout 0 (they fall
 * back to the primary at once).
 */
final class ReplicaReadShare {

    /** Steady background commits per second, from a session of its own. */
    static final int BACKGROUND_RATE = 500;
    static final int CLIENTS = 2;

    private ReplicaReadShare() {
    }

    /** One level and timeout: throughput of the mix and the SHOW STATS deltas of its level. */
    record Row(long delayMillis, String level, long timeoutMillis, double opsPerSecond, double p99Micros, long primaryReads,
               long replicaReads, long waits, double waitMillis, long fallbacks, long errors) {

        double replicaShare() {
            long reads = primaryReads + replicaReads;
            return reads == 0 ? 0 : (double) replicaReads / reads;
        }
    }

    static List<Row> run(String cluster, BenchOptions options, PrintStream log) throws Exception {
        List<Row> rows = new ArrayList<>();
        LatticeTarget admin = new LatticeTarget("share", cluster, 2, "EVENTUAL", "");
        try {
            try (Connection c = admin.open()) {
                BenchSchema.create(c, options.rows());
            }
            admin.settle(60_000);
            String[][] variants = {
                {"EVENTUAL", "1000"}, {"READ_YOUR_WRITES", "1000"}, {"READ_YOUR_WRITES", "0"},
                {"CAUSAL", "1000"}, {"CAUSAL", "0"},
            };
            for (int delay : options.shareDelays()) {
                try (Connection c = admin.open(); Statement s = c.createStatement()) {
                    s.execute("ALTER REPLICA replica1 SET DELAY " + delay);
                    s.execute("ALTER REPLICA replica2 SET DELAY " + delay);
                }
                for (String[] v : variants) {
                    LatticeTarget target = new LatticeTarget("share", cluster, 2, v[0],
                            "&consistencyTimeout=" + v[1]);
                    Row row = measure(admin, target, delay, v[0], Long.parseLong(v[1]), options);
                    rows.add(row);
                    log.printf("replica reads, delay %d ms, %s, timeout %s ms: %.1f%% on replicas, %.0f ops/s%n",
                            delay, v[0], v[1], 100 * row.replicaShare(), row.opsPerSecond());
                }
            }
        } finally {
            admin.close();
        }
        return rows;
    }

    private static Row measure(LatticeTarget admin, LatticeTarget target, long delay, String level, long timeout,
                               BenchOptions options) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread background = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(options.seed() + 1);
            try (Connection c = admin.open(); PreparedStatement update = c.prepareStatement(Workloads.UPDATE)) {
                long interval = TimeUnit.SECONDS.toNanos(1) / BACKGROUND_RATE;
                long next = System.nanoTime();
                while (!stop.get()) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    update.setLong(1, random.nextLong());
                    update.setInt(2, random.nextInt(options.rows()));
                    update.executeUpdate();
                    next += interval;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("background writer failed: " + e.getMessage(), e);
            }
        }, "bench-share-writer");
        background.start();
        List<Client> clients = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(options.seed());
        Window.Result result;
        long[] before;
        long[] after;
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Workloads.get("mix-95/5").client(target.open(), seeds.split(), options.rows()));
            }
            // let the background load settle into its steady lag first
            Thread.sleep(Math.max(50, 5 * delay));
            before = stats(admin, level);
            result = Window.run(clients, 0, TimeUnit.MILLISECONDS.toNanos(options.shareMillis()));
            after = stats(admin, level);
        } finally {
            for (Client c : clients) {
                c.close();
            }
            stop.set(true);
            background.join();
        }
        admin.settle(60_000);
        double seconds = result.elapsedNanos() / 1e9;
        return new Row(delay, level, timeout, result.operations() / seconds,
                result.latencyNanos().getValueAtPercentile(99) / 1000.0,
                after[0] - before[0], after[1] - before[1], after[2] - before[2],
                (after[3] - before[3]) / 1000.0, after[4] - before[4], result.errors());
    }

    /** PRIMARY_READS, REPLICA_READS, WAITS, WAIT_MS (in µs), FALLBACKS of one level, from SHOW STATS. */
    static long[] stats(Target admin, String level) throws SQLException {
        try (Connection c = admin.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                if (rs.getString("LEVEL").equals(level)) {
                    return new long[] {rs.getLong("PRIMARY_READS"), rs.getLong("REPLICA_READS"), rs.getLong("WAITS"),
                        Math.round(rs.getDouble("WAIT_MS") * 1000), rs.getLong("FALLBACKS")};
                }
            }
        }
        throw new SQLException("SHOW STATS has no row for " + level);
    }
}
