package dev.lattice.backend.h2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.replication.ReplicaState;
import dev.lattice.testing.Await;
import dev.lattice.testing.ShowReplicas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * maxReplicaLag holds writers that outrun a replica (slowed with ALTER REPLICA ... SET DELAY) to the
 * bound; a paused replica holds no one back; with the bound off the lag grows past it.
 */
class BackpressureTest {

    private static final int BOUND = 40;
    private static final int WRITERS = 3;
    private static final AtomicInteger NEXT = new AtomicInteger();

    @Test
    void writersFasterThanAReplicaAreHeldToTheBound() throws Exception {
        Run run = write(BOUND, "SET DELAY 400");
        System.out.println("backpressure on: " + run);
        assertTrue(run.maxLag <= BOUND + WRITERS, "lag beyond the bound: " + run);
        assertTrue(run.throttled > 0 && run.commits > BOUND, "commits were throttled: " + run);
    }

    @Test
    void aPausedReplicaHoldsNoOneBack() throws Exception {
        Run run = write(BOUND, "PAUSE");
        System.out.println("paused replica: " + run);
        assertTrue(run.maxLag > 4 * BOUND, "the paused replica fell behind freely: " + run);
    }

    @Test
    void withTheBoundOffTheLagGrowsPastIt() throws Exception {
        Run run = write(0, "SET DELAY 400");
        System.out.println("backpressure off: " + run);
        assertTrue(run.maxLag > 2 * BOUND, "without backpressure the lag passes the bound: " + run);
    }

    private record Run(long commits, long maxLag, long throttled, long waitMillis) {
    }

    /** Writers insert for 1.5 s while replica1 is slowed (or paused); the lag of replica1 is sampled. */
    private Run write(int bound, String slowdown) throws Exception {
        String url = "jdbc:lattice:mem:backpressure" + NEXT.incrementAndGet() + "?replicas=2&maxReplicaLag=" + bound
                + "&consistency=EVENTUAL";
        try (Connection admin = DriverManager.getConnection(url); Statement s = admin.createStatement()) {
            Cluster cluster = admin.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, w INT)");
            // a replica still being built from its first snapshot holds no one back: start from online ones
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            Await.until("both replicas online", Duration.ofSeconds(30), () -> cluster.h2().replicas().stream()
                    .allMatch(r -> r.applier().state() == ReplicaState.ONLINE));
            s.execute("ALTER REPLICA replica1 " + slowdown);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger commits = new AtomicInteger();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(url);
                         PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                        for (int i = 0; !stop.get(); i++) {
                            insert.setInt(1, writer * 1_000_000 + i);
                            insert.setInt(2, writer);
                            insert.executeUpdate();
                            commits.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.start();
                writers.add(t);
            }
            long maxLag = 0;
            long end = System.nanoTime() + 1_500_000_000L;
            Replica replica1 = cluster.h2().replica("replica1");
            while (System.nanoTime() < end) {
                long applied = replica1.applied();
                long committed = cluster.committedLsn();
                if (replica1.applied() == applied) { // one instant: the replica did not move meanwhile
                    maxLag = Math.max(maxLag, committed - applied);
                }
                Thread.sleep(1);
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            Map<String, Object> primary = ShowReplicas.row(s, "primary");
            long throttled = ((Number) primary.get("THROTTLED_COMMITS")).longValue();
            long waited = ((Number) primary.get("THROTTLE_WAIT_MS")).longValue();
            s.execute("ALTER REPLICA replica1 SET DELAY 0");
            s.execute("ALTER REPLICA replica1 RESUME");
            return new Run(commits.get(), maxLag, throttled, waited);
        } finally {
            ClusterRegistry.shutdown("MEM:" + url.substring("jdbc:lattice:mem:".length(), url.indexOf('?')));
        }
    }
}
