package dev.lattice.bench;

import dev.lattice.cluster.Cluster;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.routing.Session;
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
import org.HdrHistogram.Histogram;

/**
 * How far replicas trail the primary under a steady write load (point updates on a 2-replica
 * cluster). Two views: each transaction's apply latency (from its COMMIT returning to the moment a
 * watcher, woken by the appliers' progress signal, sees the replica's applied LSN cover it), and
 * LAG_LSN / LAG_MS sampled every millisecond as SHOW REPLICAS would report them.
 */
final class ReplicaLag {

    private static final long MAX_LAG_MILLIS = TimeUnit.MINUTES.toMillis(10);
    /** Unthrottled, as many writers as the bench's largest thread count: the heaviest write load it makes. */
    private static final int UNTHROTTLED_WRITERS = 8;

    private ReplicaLag() {
    }

    /**
     * One load's figures; rate 0 means unthrottled.
     *
     * @param rebuilds how many times a replica had to be rebuilt from a snapshot (it fell behind the log)
     * @param throttledCommits commits that backpressure held until the slowest replica was within
     *                         {@code maxReplicaLag}, and throttleWaitMillis their total wait
     */
    record Row(int targetRate, int writers, long transactions, double achievedRate, Histogram applyNanos,
               Histogram lagLsn, Histogram lagMillis, long unknownLagSamples, long rebuilds, long throttledCommits,
               long throttleWaitMillis) {
    }

    static List<Row> run(String cluster, BenchOptions options, PrintStream log) throws Exception {
        LatticeTarget target = new LatticeTarget("lag", cluster, 2, "EVENTUAL", "");
        List<Row> rows = new ArrayList<>();
        try {
            try (Connection c = target.open()) {
                BenchSchema.create(c, options.rows());
            }
            target.settle(60_000);
            for (int rate : options.lagRates()) {
                Row row = measure(target, rate, options.lagMillis(), options);
                rows.add(row);
                log.printf("replica lag at %s: %.0f tx/s, apply p50 %.0f µs p99 %.0f µs%n",
                        rate == 0 ? "unthrottled" : rate + " tx/s", row.achievedRate(),
                        row.applyNanos().getValueAtPercentile(50) / 1000.0,
                        row.applyNanos().getValueAtPercentile(99) / 1000.0);
                target.settle(60_000);
            }
        } finally {
            target.close();
        }
        return rows;
    }

    private static Row measure(LatticeTarget target, int rate, long millis, BenchOptions options) throws Exception {
        Cluster cluster = target.cluster();
        List<Replica> replicas = cluster.h2().replicas();
        int writers = rate == 0 ? UNTHROTTLED_WRITERS : rate > 20_000 ? 2 : 1;
        long base = cluster.committedLsn();
        long[] throttledBefore = throttled(target);
        long rebuildsBefore = rebuilds(replicas);
        int capacity = (int) Math.min(4_000_000, rate == 0 ? 4_000_000 : (long) rate * millis / 1000 * 2 + 10_000);
        long[] commitNanos = new long[capacity];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean watching = new AtomicBoolean(true);

        // the watcher: applied-LSN changes with their times, and the 1 ms samples of LAG_LSN and LAG_MS
        long[][] changeNanos = new long[replicas.size()][];
        long[][] changeLsn = new long[replicas.size()][];
        Histogram lagLsn = new Histogram(3);
        Histogram lagMs = new Histogram(MAX_LAG_MILLIS, 3);
        long[] unknown = new long[1];
        Thread watcher = new Thread(() -> {
            int n = replicas.size();
            LongList[] times = new LongList[n];
            LongList[] lsns = new LongList[n];
            long[] last = new long[n];
            for (int r = 0; r < n; r++) {
                times[r] = new LongList();
                lsns[r] = new LongList();
                last[r] = replicas.get(r).applied();
            }
            long nextSample = System.nanoTime();
            long seen = cluster.backend().progress().generation();
            while (watching.get()) {
                try {
                    // waits for a signal after `seen`, read before the applied LSNs below: none is missed
                    cluster.backend().progress().awaitChange(seen, TimeUnit.MILLISECONDS.toNanos(1));
                } catch (InterruptedException e) {
                    break;
                }
                seen = cluster.backend().progress().generation();
                long now = System.nanoTime();
                for (int r = 0; r < n; r++) {
                    long a = replicas.get(r).applied();
                    if (a > last[r]) {
                        times[r].add(now);
                        lsns[r].add(a);
                        last[r] = a;
                    }
                }
                if (!stop.get() && now - nextSample >= 0) {
                    long committed = cluster.committedLsn();
                    for (Replica r : replicas) {
                        lagLsn.recordValue(Math.max(0, committed - r.applied()));
                        long ms = r.applier().lagMillis();
                        if (ms == Long.MAX_VALUE) {
                            unknown[0]++;
                        } else {
                            lagMs.recordValue(Math.min(ms, MAX_LAG_MILLIS));
                        }
                    }
                    nextSample = now + TimeUnit.MILLISECONDS.toNanos(1);
                }
            }
            for (int r = 0; r < n; r++) {
                changeNanos[r] = times[r].toArray();
                changeLsn[r] = lsns[r].toArray();
            }
        }, "bench-lag-watcher");
        watcher.start();

        long[] done = new long[writers];
        Thread[] threads = new Thread[writers];
        SplittableRandom seeds = new SplittableRandom(options.seed());
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        for (int w = 0; w < writers; w++) {
            int id = w;
            SplittableRandom random = seeds.split();
            threads[w] = new Thread(() -> {
                try (Connection c = target.open();
                     PreparedStatement update = c.prepareStatement(Workloads.UPDATE)) {
                    Session session = c.unwrap(LatticeConnection.class).session();
                    long interval = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(writers) / rate;
                    long next = start + id * (interval / writers);
                    long now = System.nanoTime();
                    while (now - end < 0) {
                        if (interval > 0 && next - now > 0) {
                            LockSupport.parkNanos(next - now);
                            now = System.nanoTime();
                            continue;
                        }
                        update.setLong(1, random.nextLong());
                        update.setInt(2, random.nextInt(options.rows()));
                        update.executeUpdate();
                        now = System.nanoTime();
                        long slot = session.writeLsn() - base;
                        if (slot > 0 && slot < capacity) {
                            commitNanos[(int) slot] = now;
                        }
                        done[id]++;
                        next += interval;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("lag writer failed: " + e.getMessage(), e);
                }
            }, "bench-lag-writer-" + w);
            threads[w].start();
        }
        long transactions = 0;
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (long d : done) {
            transactions += d;
        }
        stop.set(true);
        target.settle(60_000);
        watching.set(false);
        watcher.join();

        Histogram apply = Window.newHistogram();
        long last = cluster.committedLsn() - base;
        for (int r = 0; r < replicas.size(); r++) {
            int k = 0;
            for (int slot = 1; slot <= last && slot < capacity; slot++) {
                if (commitNanos[slot] == 0) {
                    continue;
                }
                long lsn = base + slot;
                while (k < changeLsn[r].length && changeLsn[r][k] < lsn) {
                    k++;
                }
                if (k == changeLsn[r].length) {
                    break;
                }
                apply.recordValue(Math.min(Math.max(0, changeNanos[r][k] - commitNanos[slot]), Window.MAX_LATENCY_NANOS));
            }
        }
        long[] throttledAfter = throttled(target);
        return new Row(rate, writers, transactions, transactions / seconds, apply, lagLsn, lagMs, unknown[0],
                rebuilds(replicas) - rebuildsBefore, throttledAfter[0] - throttledBefore[0],
                throttledAfter[1] - throttledBefore[1]);
    }

    /** THROTTLED_COMMITS and THROTTLE_WAIT_MS of SHOW REPLICAS (the primary's row). */
    private static long[] throttled(LatticeTarget target) throws SQLException {
        try (Connection c = target.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
            rs.next();
            return new long[] {rs.getLong("THROTTLED_COMMITS"), rs.getLong("THROTTLE_WAIT_MS")};
        }
    }

    private static long rebuilds(List<Replica> replicas) {
        long n = 0;
        for (Replica r : replicas) {
            n += r.applier().rebuilds();
        }
        return n;
    }

    /** A growable array of longs, to keep the watcher from boxing. */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
