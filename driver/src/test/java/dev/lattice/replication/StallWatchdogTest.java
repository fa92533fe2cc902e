package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ShowReplicas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An applier whose apply installs no row for a while (as one stuck inside H2 after a crash did,
 * in silence) is reported STALLED in SHOW REPLICAS, and ONLINE again once rows go in; a cluster
 * with such an apply still closes.
 */
class StallWatchdogTest {

    @AfterEach
    void reset() {
        ReplicaApplier.stallNanos = TimeUnit.SECONDS.toNanos(30);
        ReplicaApplier.stopWaitNanos = TimeUnit.SECONDS.toNanos(5);
        ReplicaApplier.rowGate = null;
    }

    @Test
    void aClusterWhoseApplyIsStuckStillCloses() throws Exception {
        ReplicaApplier.stopWaitNanos = TimeUnit.MILLISECONDS.toNanos(200);
        String url = "jdbc:lattice:mem:stuck-close-" + System.nanoTime() + "?replicas=1";
        String key = "MEM:" + url.substring("jdbc:lattice:mem:".length(), url.indexOf("?"));
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            ReplicaApplier applier = holdAnApply(c, gate);
            // as the JVM's exit hook does: before, stopping waited for the stuck apply's lock for ever
            closer.submit(() -> ClusterRegistry.shutdown(key)).get(60, TimeUnit.SECONDS);
            assertEquals("STOPPED", applier.reportedState().name());
        } finally {
            ReplicaApplier.rowGate = null;
            gate.countDown();
            closer.shutdownNow();
            ClusterRegistry.shutdown(key);
        }
    }

    @Test
    void anApplyThatInstallsNoRowIsReportedStalledUntilRowsGoInAgain() throws Exception {
        assertEquals("STALLED", stateWhileAnApplyIsHeld(0));
    }

    @Test
    void withoutTheWatchdogAStuckApplyIsReportedOnline() throws Exception {
        assertEquals("ONLINE", stateWhileAnApplyIsHeld(Long.MAX_VALUE));
    }

    /** SHOW REPLICAS' state of a replica whose applier waits inside a row apply, after two watchdog ticks. */
    private static String stateWhileAnApplyIsHeld(long stallNanos) throws Exception {
        ReplicaApplier.stallNanos = stallNanos;
        String url = "jdbc:lattice:mem:stall-" + System.nanoTime() + "?replicas=1";
        CountDownLatch gate = new CountDownLatch(1);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            ReplicaApplier applier = holdAnApply(c, gate);
            applier.watchForStall();
            applier.watchForStall();
            String held = state(s);
            ReplicaApplier.rowGate = null;
            gate.countDown();
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            applier.watchForStall();
            assertEquals("ONLINE", state(s), "rows went in again");
            return held;
        } finally {
            ReplicaApplier.rowGate = null;
            gate.countDown();
            ClusterRegistry.shutdown("MEM:" + url.substring("jdbc:lattice:mem:".length(), url.indexOf("?")));
        }
    }

    /** Creates a table, then inserts a row that the replica's applier waits inside applying until the gate opens. */
    private static ReplicaApplier holdAnApply(Connection c, CountDownLatch gate) throws Exception {
        Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            ReplicaApplier applier = cluster.h2().replicas().get(0).applier();
            ReplicaApplier.rowGate = gate;
            s.executeUpdate("INSERT INTO t VALUES (1)");
            Await.until("the applier to wait inside its row apply", Duration.ofSeconds(10), applier::applyingRows);
            return applier;
        }
    }

    private static String state(Statement s) throws SQLException {
        return (String) ShowReplicas.row(s, "replica1").get("STATE");
    }
}
