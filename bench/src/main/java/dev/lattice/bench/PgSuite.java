package dev.lattice.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --postgres}: Lattice over a PostgreSQL primary and two hot standbys against pgjdbc straight
 * to the primary, in one run, configurations taking turns on the same cluster and the same rows
 * (the {@link BenchSchema} tables, created through the primary), then where CAUSAL reads go while the
 * data changes ({@link PgReplicaReadShare}).
 */
final class PgSuite {

    /** The targets of issue 11: ratio to pg-direct in the same run. */
    static final List<Report.Goal> GOALS = List.of(
            new Report.Goal("point-select", "lattice-pg-causal", 0.9),
            new Report.Goal("point-update", "lattice-pg-causal", 0.8));

    private PgSuite() {
    }

    /**
     * The throughput cells and the replica-read figures; every server it started is stopped before it
     * returns. {@code othersCpu}: share of the machine's CPU that processes other than this JVM and its
     * PostgreSQL servers took while they ran.
     */
    record Result(List<Cell> cells, List<PgReplicaReadShare.Row> share, PgReplicaReadShare.Replay replay,
                  String cluster, double othersCpu) {
    }

    static Result run(BenchOptions options, PrintStream log) throws Exception {
        java.nio.file.Path script = options.pgScript() != null ? options.pgScript() : PgLocalCluster.findScript();
        try (PgLocalCluster cluster = PgLocalCluster.start(script, log)) {
            Machine.countAsOurs(cluster::cpuTicks);
            if (!options.pgSettings().isEmpty()) {
                cluster.configure(options.pgSettings());
                log.println("every node: " + String.join(", ", options.pgSettings()));
            }
            Machine.CpuReading cpuBefore = Machine.cpu();
            List<Target> targets = PgTargets.create(options.configs(), cluster);
            try {
                log.printf("loading %,d rows through the primary%n", options.rows());
                try (Connection c = targets.get(0).open()) {
                    BenchSchema.create(c, options.rows());
                    try (Statement s = c.createStatement()) {
                        s.execute("VACUUM ANALYZE"); // plans and visibility maps as a loaded database has them
                    }
                }
                Target.Settled settled = cluster.settle(60_000);
                if (!settled.caughtUp()) {
                    throw new SQLException("the standbys did not replay the loaded rows within 60 s");
                }
                for (Target t : targets) {
                    log.println("  " + t.name() + ": " + t.description());
                }
                List<Cell> cells = new ThroughputSuite(targets, options, log).run();
                List<PgReplicaReadShare.Row> share = new ArrayList<>();
                PgReplicaReadShare.Replay replay = null;
                if (options.extras() && options.shareMillis() > 0) {
                    share = PgReplicaReadShare.run(cluster, options, log);
                    replay = PgReplicaReadShare.replayDelay(cluster, options);
                    log.printf(java.util.Locale.ROOT, "PostgreSQL's own commit-to-replay delay: p50 %.0f µs, p99 %.0f µs%n",
                            replay.p50Micros(), replay.p99Micros());
                }
                return new Result(cells, share, replay, cluster.toString(), Machine.othersShare(cpuBefore, Machine.cpu()));
            } finally {
                targets.forEach(Target::close);
                Machine.countAsOurs(() -> 0);
            }
        }
    }

    /** The run's report: ratios to pg-direct, the goals of issue 11, and the replica-read table. */
    static Report report(Report report, List<PgReplicaReadShare.Row> share, PgReplicaReadShare.Replay replay) {
        report.baseline(PgTargets.BASELINE, "pgjdbc straight to the PostgreSQL primary (pg-direct)", GOALS);
        if (!share.isEmpty()) {
            report.extra(new Report.Extra("Reads served by standbys: " + PgReplicaReadShare.CLIENTS
                    + " clients, Lattice over a PostgreSQL primary + 2 standbys, "
                    + PgReplicaReadShare.BACKGROUND_RATE + " background commits/s through Lattice",
                    "The standbys replay at their natural lag. point-select: each operation reads a random key; "
                    + "update-then-select: each updates a row of its own, then reads it back (a stale read counts as "
                    + "an error). Counts are SHOW STATS deltas for the level: reads the standbys and the primary "
                    + "served, reads that waited for a standby to replay and the time they waited, fallbacks to "
                    + "the primary after the timeout.",
                    PgReplicaReadShare.table(share), "standby-reads", PgReplicaReadShare.csv(share)));
        }
        if (replay != null) {
            report.extra(new Report.Extra("PostgreSQL's own commit-to-replay delay (no Lattice), same background load",
                    "pgjdbc updates a row on the primary, reads pg_current_wal_insert_lsn() as Lattice reads W, then "
                    + "asks a standby for pg_last_wal_replay_lsn() until it has passed it, one commit after another: "
                    + "the floor under every wait of READ_YOUR_WRITES, CAUSAL and STRONG.",
                    PgReplicaReadShare.replayTable(replay), "replay-delay", PgReplicaReadShare.replayCsv(replay)));
        }
        return report;
    }
}
