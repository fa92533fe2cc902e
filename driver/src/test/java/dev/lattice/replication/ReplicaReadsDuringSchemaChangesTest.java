package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ShowReplicas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a read never fails, and never sees a half-built table, because of what a replica is
 * doing inside — applying DROP/CREATE TABLE, indexes and views, or being rebuilt from a snapshot.
 * At EVENTUAL a table the replica has not created yet may be missing (SQLState 42S02/42S03/42S04);
 * at CAUSAL nothing fails.
 */
class ReplicaReadsDuringSchemaChangesTest {

    private static final int STABLE_ROWS = 5_000;
    private static final int CHURN_TABLES = 3;
    /** "Table or view not found" in its three H2 forms: what EVENTUAL may answer for a table a replica lacks yet. */
    private static final Set<String> NOT_FOUND = Set.of("42S02", "42S03", "42S04");

    @Test
    void readsNeverFailBecauseOfWhatAReplicaIsDoingInside() throws Exception {
        Run run = stress("issue17-fenced-" + System.nanoTime(), Duration.ofSeconds(8), false);
        System.out.println("With the read fence: " + run);
        assertEquals(List.of(), List.copyOf(run.anomalies), "reads that failed or saw a half-built replica");
        assertTrue(run.requestedRebuilds >= 4, "replicas were rebuilt from snapshots meanwhile: " + run);
        assertTrue(run.ddl.get() > 100 && run.reads.get() > 1_000, "the run did something: " + run);
    }

    @Test
    void withoutTheFenceReadsFailWithTheReplicasInternalErrors() throws Exception {
        ReadFence.enabled = false;
        try {
            Run run = stress("issue17-unfenced-" + System.nanoTime(), Duration.ofSeconds(15), true);
            System.out.println("Without the read fence: " + run);
            assertFalse(run.anomalies.isEmpty(), "without the fence some read should have failed: " + run);
        } finally {
            ReadFence.enabled = true;
        }
    }

    @Test
    void readableDdlNeverRebuildsAReplica() throws Exception {
        String name = "issue17-ddl-" + System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:" + name + "?replicas=2");
             Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            for (int i = 0; i < 15; i++) {
                s.execute("CREATE TABLE t" + i + "(id INT PRIMARY KEY, col4 DOUBLE)");
                s.execute("INSERT INTO t" + i + " SELECT X, X / 3.0 FROM SYSTEM_RANGE(1, 20)");
                s.execute("CREATE INDEX i" + i + " ON t" + i + "(col4)");
                s.execute("CREATE VIEW v" + i + " AS SELECT id FROM t" + i + " WHERE col4 > 2");
                s.execute("ALTER TABLE t" + i + " ADD COLUMN note VARCHAR(20) DEFAULT 'n'");
                s.execute("ALTER TABLE t" + i + " ALTER COLUMN note SET DEFAULT 'm'");
                s.execute("CREATE SEQUENCE s" + i);
                s.execute("COMMENT ON TABLE t" + i + " IS 'round " + i + "'");
                s.execute("CREATE TABLE c" + i + " AS SELECT * FROM t" + i + " WITH NO DATA");
                s.execute("ALTER TABLE c" + i + " RENAME TO r" + i);
                s.execute("TRUNCATE TABLE r" + i);
                s.execute("DROP VIEW v" + i);
                s.execute("DROP INDEX i" + i);
                s.execute("ALTER TABLE t" + i + " DROP COLUMN note");
                s.execute("DROP SEQUENCE s" + i);
                s.execute("DROP TABLE r" + i);
                if (i % 2 == 0) {
                    s.execute("DROP TABLE t" + i);
                }
            }
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(Map.of(RebuildCause.INITIAL, 1L), r.applier().rebuildsByCause(),
                        r.node().name() + " was rebuilt only once, when it was new");
            }
            // The counts do count: a statement Lattice cannot read that changes the schema, and a request.
            s.execute("CREATE TABLE a(x INT); CREATE TABLE b(y INT)");
            Await.until("each replica to resynchronise", Duration.ofSeconds(30), () -> cluster.h2().replicas().stream()
                    .allMatch(r -> r.applier().rebuilds(RebuildCause.SCHEMA_CHANGED_UNSEEN) == 1));
            cluster.h2().replicas().get(0).applier().requestRebuild();
            Await.until("the requested rebuild", Duration.ofSeconds(30),
                    () -> cluster.h2().replicas().get(0).applier().rebuilds(RebuildCause.REQUESTED) == 1);
            assertEquals(3, cluster.h2().replicas().get(0).applier().rebuilds());
            assertEquals("INITIAL=1, SCHEMA_CHANGED_UNSEEN=1, REQUESTED=1", ShowReplicas.row(s, "replica1").get("REBUILDS"));
        } finally {
            ClusterRegistry.shutdown("MEM:" + name);
        }
    }

    /**
     * A writer drops and re-creates tables, indexes and views while readers at EVENTUAL and
     * CAUSAL read them and a table that is never dropped, and replicas are rebuilt from
     * snapshots in turn.
     */
    private static Run stress(String name, Duration length, boolean stopAtFirstAnomaly) throws Exception {
        String url = "jdbc:lattice:mem:" + name + "?replicas=2";
        Run run = new Run();
        AtomicBoolean stop = new AtomicBoolean();
        try (Connection writer = DriverManager.getConnection(url); Statement w = writer.createStatement()) {
            Cluster cluster = writer.unwrap(LatticeConnection.class).cluster();
            w.execute("CREATE TABLE stable(id INT PRIMARY KEY, v INT)");
            w.execute("INSERT INTO stable SELECT X, X FROM SYSTEM_RANGE(1, " + STABLE_ROWS + ")");
            for (int t = 0; t < CHURN_TABLES; t++) {
                recreate(w, t);
            }
            Await.caughtUp(cluster, Duration.ofSeconds(30));

            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                threads.add(reader(url, "EVENTUAL", run, stop, stopAtFirstAnomaly));
                threads.add(reader(url, "CAUSAL", run, stop, stopAtFirstAnomaly));
            }
            threads.add(new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    cluster.h2().replicas().get(i++ % cluster.h2().replicas().size()).applier().requestRebuild();
                    sleep(600);
                }
            }, "rebuilds"));
            threads.forEach(Thread::start);

            long deadline = System.nanoTime() + length.toNanos();
            int nextId = STABLE_ROWS + 1;
            for (int round = 0; System.nanoTime() < deadline && !(stopAtFirstAnomaly && !run.anomalies.isEmpty()); round++) {
                recreate(w, round % CHURN_TABLES);
                run.ddl.addAndGet(5);
                w.executeUpdate("INSERT INTO stable VALUES (" + nextId + ", " + nextId++ + ")");
                if (round % 4 == 0) {
                    w.execute("CREATE INDEX stable_v ON stable(v)");
                    w.execute("DROP INDEX stable_v");
                    w.execute("CREATE VIEW IF NOT EXISTS stable_view AS SELECT id FROM stable WHERE v > 10");
                    w.execute("DROP VIEW stable_view");
                    run.ddl.addAndGet(4);
                }
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            for (Replica r : cluster.h2().replicas()) {
                run.requestedRebuilds += r.applier().rebuilds(RebuildCause.REQUESTED);
                run.rerouted += r.applier().fence().rerouted();
            }
        } finally {
            stop.set(true);
            ClusterRegistry.shutdown("MEM:" + name);
        }
        return run;
    }

    private static void recreate(Statement w, int t) throws SQLException {
        w.execute("DROP VIEW IF EXISTS view" + t);
        w.execute("DROP TABLE IF EXISTS tab" + t);
        w.execute("CREATE TABLE tab" + t + "(pk INT PRIMARY KEY, col4 DOUBLE)");
        w.execute("INSERT INTO tab" + t + " SELECT X, X * 1.5 FROM SYSTEM_RANGE(1, 60)");
        w.execute("CREATE INDEX idx_tab" + t + "_0 ON tab" + t + "(col4)");
        w.execute("CREATE VIEW view" + t + " AS SELECT pk FROM tab" + t + " WHERE col4 < 50");
    }

    /**
     * Reads the churning tables (EVENTUAL only: at CAUSAL the writer may have dropped them even on
     * the primary) and the stable table, whose row count never shrinks.
     */
    private static Thread reader(String url, String level, Run run, AtomicBoolean stop, boolean stopAtFirstAnomaly) {
        boolean eventual = level.equals("EVENTUAL");
        return new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url + "&consistency=" + level);
                 Statement s = c.createStatement()) {
                long seen = STABLE_ROWS;
                while (!stop.get() && !(stopAtFirstAnomaly && !run.anomalies.isEmpty())) {
                    String sql;
                    int t = ThreadLocalRandom.current().nextInt(CHURN_TABLES);
                    int pick = ThreadLocalRandom.current().nextInt(eventual ? 3 : 1);
                    sql = switch (pick) {
                        case 0 -> "SELECT COUNT(*) FROM stable WHERE v >= 0";
                        case 1 -> "SELECT pk FROM tab" + t + " WHERE NOT ((col4 >= 3.67) OR col4 > 99.33)";
                        default -> "SELECT COUNT(*) FROM view" + t;
                    };
                    try (ResultSet rs = s.executeQuery(sql)) {
                        long rows = 0;
                        long count = -1;
                        while (rs.next()) {
                            rows++;
                            count = rs.getLong(1);
                        }
                        run.reads.incrementAndGet();
                        if (pick == 0) {
                            // CAUSAL never goes back; EVENTUAL reads some prefix, and each has every original row.
                            long floor = eventual ? STABLE_ROWS : seen;
                            if (rows != 1 || count < floor) {
                                run.anomalies.add(level + ": " + sql + " counted " + count + " rows, fewer than " + floor
                                        + "; right after: " + nodesNow(c.unwrap(LatticeConnection.class).cluster()));
                            }
                            seen = Math.max(seen, count);
                        }
                    } catch (SQLException e) {
                        if (!(eventual && NOT_FOUND.contains(e.getSQLState()))) {
                            run.anomalies.add(level + ": " + sql + " failed: " + e.getSQLState() + " " + e.getMessage());
                        }
                    }
                }
            } catch (SQLException e) {
                run.anomalies.add(level + " reader could not connect: " + e);
            }
        }, "reader-" + level);
    }

    /**
     * For a diagnosis: each node's read fence (odd while its schema changes), its state and how many
     * rows of stable it holds now, read straight from its H2 database.
     */
    private static String nodesNow(Cluster cluster) {
        StringBuilder b = new StringBuilder("primary fence ")
                .append(cluster.h2().sequencer().primaryFence().version()).append(" rows ");
        try {
            b.append(stableRows(cluster.h2().primary()));
        } catch (SQLException e) {
            b.append('?');
        }
        for (Replica r : cluster.h2().replicas()) {
            b.append("; ").append(r.node().name()).append(' ').append(r.applier().state()).append(" fence ")
                    .append(r.applier().fence().version()).append(" rows ").append(stableRows(r.node()));
        }
        return b.toString();
    }

    private static String stableRows(dev.lattice.cluster.Node node) {
        try (Connection c = node.connectDirect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM stable")) {
            rs.next();
            return Long.toString(rs.getLong(1));
        } catch (SQLException e) {
            return "? (" + e.getSQLState() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Run {
        final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
        final AtomicLong ddl = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        long requestedRebuilds;
        long rerouted;

        @Override
        public String toString() {
            List<String> first = anomalies.stream().limit(5).toList();
            return "reads " + reads + ", DDL " + ddl + ", requested rebuilds " + requestedRebuilds
                    + ", reads rerouted " + rerouted + ", anomalies " + anomalies.size() + " " + first;
        }
    }
}
