package dev.lattice.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Where Lattice sends reads over a PostgreSQL primary and two standbys while the data changes: 2
 * clients read by key (or each updates a row, then reads it back: the hard case for
 * READ_YOUR_WRITES and CAUSAL) while a session of its own commits a steady 500 point updates/s
 * through Lattice. The standbys replay at their natural lag. Counted from SHOW STATS deltas for the
 * clients' level: reads served by standbys and by the primary, waits and their time.
 */
final class PgReplicaReadShare {

    static final int BACKGROUND_RATE = 500;
    static final int CLIENTS = 2;

    /** One variant: what the clients do, their level and consistency timeout. */
    record Variant(String workload, String level, long timeoutMillis) {
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("point-select", "CAUSAL", 1000),
            new Variant("point-select", "CAUSAL", 0),
            new Variant("point-select", "EVENTUAL", 1000),
            new Variant("update-then-select", "READ_YOUR_WRITES", 1000),
            new Variant("update-then-select", "CAUSAL", 1000));

    /** What one variant measured. */
    record Row(Variant variant, double opsPerSecond, double p50Micros, double p99Micros, long primaryReads,
               long replicaReads, long waits, double waitMillis, long fallbacks, long errors, double backgroundRate,
               String firstError) {

        double replicaShare() {
            long reads = primaryReads + replicaReads;
            return reads == 0 ? 0 : (double) replicaReads / reads;
        }
    }

    private PgReplicaReadShare() {
    }

    static List<Row> run(PgLocalCluster cluster, BenchOptions options, PrintStream log) throws Exception {
        List<Row> rows = new ArrayList<>();
        Target writer = new PgTargets.Lattice("writer", cluster, "CAUSAL", "");
        for (Variant v : VARIANTS) {
            Target clients = new PgTargets.Lattice("share", cluster, v.level(), "&consistencyTimeout=" + v.timeoutMillis());
            Row row = measure(writer, clients, v, options);
            rows.add(row);
            log.printf(Locale.ROOT, "reads on standbys, %s at %s, timeout %d ms: %.1f%% of %,d reads on standbys, "
                            + "%d waits (%.2f ms mean), %.0f ops/s, background %.0f tx/s%s%n",
                    v.workload(), v.level(), v.timeoutMillis(), 100 * row.replicaShare(),
                    row.primaryReads() + row.replicaReads(), row.waits(),
                    row.waits() == 0 ? 0 : row.waitMillis() / row.waits(), row.opsPerSecond(), row.backgroundRate(),
                    row.errors() == 0 ? "" : ", " + row.errors() + " errors, first: " + row.firstError());
        }
        return rows;
    }

    /** The steady background commits through Lattice, on a thread of their own until closed. */
    private static final class Background implements AutoCloseable {
        final AtomicLong stop = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final AtomicReference<SQLException> failure = new AtomicReference<>();
        final Thread thread;

        Background(Target writer, BenchOptions options) {
            thread = new Thread(() -> run(writer, options), "bench-pg-share-writer");
            thread.start();
        }

        private void run(Target writer, BenchOptions options) {
            SplittableRandom random = new SplittableRandom(options.seed() + 1);
            try (Connection c = writer.open(); PreparedStatement update = c.prepareStatement(Workloads.UPDATE)) {
                long interval = TimeUnit.SECONDS.toNanos(1) / BACKGROUND_RATE;
                long next = System.nanoTime();
                while (stop.get() == 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    update.setLong(1, random.nextLong());
                    update.setInt(2, random.nextInt(options.rows() / 2)); // the lower half: clients write the upper
                    update.executeUpdate();
                    commits.incrementAndGet();
                    // after a stall, no burst to catch up beyond a few commits: the load stays steady
                    next = Math.max(next + interval, System.nanoTime() - 4 * interval);
                }
            } catch (SQLException e) {
                failure.set(e);
            }
        }

        @Override
        public void close() throws SQLException, InterruptedException {
            stop.set(1);
            thread.join();
            if (failure.get() != null) {
                throw new SQLException("background writer failed: " + failure.get().getMessage(), failure.get());
            }
        }
    }

    private static Row measure(Target writer, Target target, Variant v, BenchOptions options) throws Exception {
        Background background = new Background(writer, options);
        AtomicLong commits = background.commits;
        List<Client> clients = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(options.seed());
        Window.Result result;
        long[] before;
        long[] after;
        long commitsBefore;
        long commitsAfter;
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Connection c = target.open();
                clients.add(v.workload().equals("point-select")
                        ? Workloads.get("point-select").client(c, seeds.split(), options.rows())
                        : updateThenSelect(c, seeds.split(), options.rows(), i));
            }
            Thread.sleep(200); // the background load settles into its steady lag first
            before = ReplicaReadShare.stats(target, v.level());
            commitsBefore = commits.get();
            result = Window.run(clients, TimeUnit.MILLISECONDS.toNanos(options.warmupMillis()),
                    TimeUnit.MILLISECONDS.toNanos(options.shareMillis()));
            commitsAfter = commits.get();
            after = ReplicaReadShare.stats(target, v.level());
        } finally {
            for (Client c : clients) {
                c.close();
            }
            background.close();
        }
        double seconds = result.elapsedNanos() / 1e9;
        return new Row(v, result.operations() / seconds,
                result.latencyNanos().getValueAtPercentile(50) / 1000.0,
                result.latencyNanos().getValueAtPercentile(99) / 1000.0,
                after[0] - before[0], after[1] - before[1], after[2] - before[2], (after[3] - before[3]) / 1000.0,
                after[4] - before[4], result.errors(), (commitsAfter - commitsBefore) / seconds, result.firstError());
    }

    /**
     * PostgreSQL's own delay, without Lattice, under the same background load: pgjdbc updates a row
     * on the primary, reads {@code pg_current_wal_insert_lsn()} (as Lattice reads W), then asks a
     * standby for {@code pg_last_wal_replay_lsn()} until it has passed it. The floor under any wait
     * of READ_YOUR_WRITES, CAUSAL or STRONG.
     */
    record Replay(long samples, double p50Micros, double p90Micros, double p99Micros, double maxMicros,
                  double backgroundRate) {
    }

    static Replay replayDelay(PgLocalCluster cluster, BenchOptions options) throws Exception {
        Target writer = new PgTargets.Lattice("writer", cluster, "CAUSAL", "");
        org.HdrHistogram.Histogram h = Window.newHistogram();
        SplittableRandom random = new SplittableRandom(options.seed() + 2);
        Background background = new Background(writer, options);
        long began = System.nanoTime();
        long commitsBefore = 0;
        long ended;
        try (Connection primary = cluster.open(0); Connection standby = cluster.open(1);
             PreparedStatement update = primary.prepareStatement(Workloads.UPDATE);
             PreparedStatement insertLsn = primary.prepareStatement("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn");
             PreparedStatement replayed = standby.prepareStatement(
                     "SELECT coalesce(pg_last_wal_replay_lsn() - '0/0'::pg_lsn, 0)")) {
            Thread.sleep(200);
            commitsBefore = background.commits.get();
            began = System.nanoTime();
            long end = began + TimeUnit.MILLISECONDS.toNanos(options.shareMillis());
            while (System.nanoTime() - end < 0) {
                update.setLong(1, random.nextLong());
                update.setInt(2, options.rows() / 2 + random.nextInt(options.rows() - options.rows() / 2));
                update.executeUpdate();
                long committed = System.nanoTime();
                long w = number(insertLsn);
                while (number(replayed) < w) {
                    Thread.onSpinWait();
                }
                h.recordValue(Math.min(System.nanoTime() - committed, Window.MAX_LATENCY_NANOS));
            }
            ended = System.nanoTime();
        } finally {
            background.close();
        }
        return new Replay(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                (background.commits.get() - commitsBefore) / ((ended - began) / 1e9));
    }

    private static long number(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getBigDecimal(1).longValueExact();
        }
    }

    static TextTable replayTable(Replay r) {
        TextTable t = new TextTable(">samples", ">p50 µs", ">p90 µs", ">p99 µs", ">max µs", ">background tx/s");
        t.row(r.samples(), Report.micros(r.p50Micros()), Report.micros(r.p90Micros()), Report.micros(r.p99Micros()),
                Report.micros(r.maxMicros()), String.format(Locale.ROOT, "%.0f", r.backgroundRate()));
        return t;
    }

    static List<List<Object>> replayCsv(Replay r) {
        return List.of(List.of("samples", "p50_us", "p90_us", "p99_us", "max_us", "background_tx_per_s", "cores"),
                List.of(r.samples(), r.p50Micros(), r.p90Micros(), r.p99Micros(), r.maxMicros(), r.backgroundRate(),
                        Machine.cores()));
    }

    /**
     * Each operation updates a random row of the upper half, then reads it back: the read must see the
     * write. Client i writes only keys ≡ i (mod CLIENTS), so no other session changes its rows meanwhile.
     */
    private static Client updateThenSelect(Connection c, SplittableRandom random, int rows, int index)
            throws SQLException {
        PreparedStatement update = c.prepareStatement(Workloads.UPDATE);
        PreparedStatement select = c.prepareStatement(Workloads.SELECT);
        return new Client() {
            @Override
            public void run() throws SQLException {
                int key = rows / 2 + random.nextInt((rows - rows / 2) / CLIENTS) * CLIENTS + index;
                long value = random.nextLong();
                update.setLong(1, value);
                update.setInt(2, key);
                update.executeUpdate();
                select.setInt(1, key);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("row " + key + " not found");
                    }
                    long seen = rs.getLong(2);
                    if (seen != value) {
                        throw new SQLException("stale read: row " + key + " has field1 " + seen + ", this session wrote "
                                + value, "BENCH");
                    }
                }
            }

            @Override
            public void close() throws SQLException {
                Workloads.closeAll(c, update, select);
            }
        };
    }

    static TextTable table(List<Row> rows) {
        TextTable t = new TextTable("clients do", "level", ">timeout ms", ">ops/s", ">p50 µs", ">p99 µs", ">reads",
                ">on standbys", ">waits", ">wait ms total", ">mean wait ms", ">fallbacks", ">errors", ">background tx/s");
        for (Row r : rows) {
            t.row(r.variant().workload(), r.variant().level(), r.variant().timeoutMillis(),
                    String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()), Report.micros(r.p50Micros()),
                    Report.micros(r.p99Micros()), r.primaryReads() + r.replicaReads(),
                    String.format(Locale.ROOT, "%.1f%%", 100 * r.replicaShare()), r.waits(),
                    String.format(Locale.ROOT, "%.1f", r.waitMillis()),
                    r.waits() == 0 ? "0" : String.format(Locale.ROOT, "%.2f", r.waitMillis() / r.waits()),
                    r.fallbacks(), r.errors(), String.format(Locale.ROOT, "%.0f", r.backgroundRate()));
        }
        return t;
    }

    static List<List<Object>> csv(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>();
        out.add(List.of("workload", "level", "timeout_ms", "ops_per_s", "p50_us", "p99_us", "primary_reads",
                "replica_reads", "replica_share", "waits", "wait_ms", "fallbacks", "errors", "background_tx_per_s",
                "cores"));
        for (Row r : rows) {
            out.add(List.of(r.variant().workload(), r.variant().level(), r.variant().timeoutMillis(), r.opsPerSecond(),
                    r.p50Micros(), r.p99Micros(), r.primaryReads(), r.replicaReads(), r.replicaShare(), r.waits(),
                    r.waitMillis(), r.fallbacks(), r.errors(), r.backgroundRate(), Machine.cores()));
        }
        return out;
    }
}
