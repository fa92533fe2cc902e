package dev.lattice.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.replication.RebuildCause;
import dev.lattice.testing.Await;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.NodeChecksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file cluster whose process is killed mid-write reopens with every acknowledged transaction, and
 * replication resumes. A replica the killed process left open behind the primary is rebuilt from a
 * snapshot (H2 may keep part of the apply that was in flight); one closed in order is not, and a
 * process stopped with SIGTERM closes its cluster in order.
 */
class FileClusterCrashTest {

    @TempDir
    Path dir;

    @Test
    void killedFileClusterLosesNoAcknowledgedTransactionAndReplicationResumes() throws Exception {
        int lastAck;
        try (ChildJvm writer = ChildJvm.start(FileClusterWriterMain.class, dir.toString())) {
            writer.awaitLine("ACK 500", Duration.ofSeconds(120));
            writer.kill();
            lastAck = 500;
            for (String line : writer.drain()) {
                if (line.startsWith("ACK ")) {
                    lastAck = Math.max(lastAck, Integer.parseInt(line.substring(4)));
                }
            }
        }
        String url = "jdbc:lattice:file:" + dir + "?replicas=1";
        try (Connection c = DriverManager.getConnection(url)) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            try (Statement s = c.createStatement()) {
                s.execute("SET CONSISTENCY LINEARIZABLE");
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id) FROM acked WHERE id <= " + lastAck)) {
                rs.next();
                assertEquals(lastAck, rs.getInt(1), "every acknowledged insert survived the kill");
            }
            assertTrue(cluster.committedLsn() >= lastAck, "the log holds every acknowledged transaction");
            try (PreparedStatement after = c.prepareStatement("INSERT INTO acked(id, note) VALUES (?, 'after')")) {
                after.setInt(1, 1_000_000);
                after.executeUpdate();
            }
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            Replica replica = cluster.h2().replicas().get(0);
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(replica.node().url()));
        } finally {
            ClusterRegistry.shutdown("FILE:" + dir.toAbsolutePath().normalize());
        }
    }

    @Test
    void aProcessStoppedBySigtermClosesItsClusterInOrderSoABehindReplicaGoesOnFromItsRecord() throws Exception {
        assertEquals(Map.of(), rebuildsAfterSigterm(), "closed in order by the exit hook: no rebuild");
    }

    @Test
    void withoutTheExitHookAProcessStoppedBySigtermLeavesItsBehindReplicaToBeRebuilt() throws Exception {
        assertEquals(Map.of(RebuildCause.LEFT_OPEN, 1L), rebuildsAfterSigterm("no-close-on-exit"),
                "left open by the exit: rebuilt");
    }

    /**
     * A child writes with its replica paused behind and is stopped with SIGTERM; reopened here, every
     * acknowledged row is there and the replica matches the primary: what it took to get there.
     */
    private Map<RebuildCause, Long> rebuildsAfterSigterm(String... childOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of(dir.toString(), "pause"));
        args.addAll(List.of(childOptions));
        int lastAck;
        try (ChildJvm writer = ChildJvm.start(FileClusterWriterMain.class, args.toArray(String[]::new))) {
            writer.awaitLine("ACK 100", Duration.ofSeconds(120));
            writer.terminate(Duration.ofSeconds(60));
            lastAck = 100;
            for (String line : writer.drain()) {
                if (line.startsWith("ACK ")) {
                    lastAck = Integer.parseInt(line.substring(4));
                }
            }
        }
        String key = "FILE:" + dir.toAbsolutePath().normalize();
        try (Connection c = DriverManager.getConnection("jdbc:lattice:file:" + dir + "?replicas=1");
             Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("SET CONSISTENCY LINEARIZABLE");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM acked WHERE id <= " + lastAck)) {
                rs.next();
                assertEquals(lastAck, rs.getInt(1), "every acknowledged row");
            }
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            Replica replica = cluster.h2().replicas().get(0);
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(replica.node().url()));
            return replica.applier().rebuildsByCause();
        } finally {
            ClusterRegistry.shutdown(key);
        }
    }

    @Test
    void aReplicaLeftOpenBehindByAKilledProcessIsRebuiltAndOneClosedInOrderIsNot() throws Exception {
        try (ChildJvm writer = ChildJvm.start(FileClusterWriterMain.class, dir.toString(), "pause")) {
            writer.awaitLine("ACK 100", Duration.ofSeconds(120));
            writer.kill();
        }
        String url = "jdbc:lattice:file:" + dir + "?replicas=1";
        String key = "FILE:" + dir.toAbsolutePath().normalize();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            Replica replica = cluster.h2().replicas().get(0);
            assertEquals(Map.of(RebuildCause.LEFT_OPEN, 1L), replica.applier().rebuildsByCause(),
                    "left open and behind by the killed process");
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(replica.node().url()));
            s.execute("ALTER REPLICA replica1 PAUSE");
            s.executeUpdate("INSERT INTO acked(id, note) SELECT X + 1000000, 'paused' FROM SYSTEM_RANGE(1, 20)");
            assertTrue(replica.applied() < cluster.committedLsn(), "behind when closed");
        } finally {
            ClusterRegistry.shutdown(key);
        }
        try (Connection c = DriverManager.getConnection(url)) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            Replica replica = cluster.h2().replicas().get(0);
            assertEquals(Map.of(), replica.applier().rebuildsByCause(), "closed in order: it went on from its record");
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(replica.node().url()));
        } finally {
            ClusterRegistry.shutdown(key);
        }
    }
}
