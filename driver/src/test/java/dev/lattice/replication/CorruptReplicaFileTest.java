package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica of a {@code file:} cluster whose file H2 finds corrupt (as a kill at the wrong moment
 * can leave it) is set aside and the replica rebuilt from the primary; left where it is, the
 * replica fails on every connect and never serves again.
 */
class CorruptReplicaFileTest {

    @TempDir
    Path dir;

    @AfterEach
    void closeCluster() {
        ReplicaApplier.setsAsideCorruptFiles = true;
        ClusterRegistry.shutdown("FILE:" + dir.toAbsolutePath().normalize());
    }

    @Test
    void aCorruptReplicaFileIsSetAsideAndTheReplicaRebuiltFromThePrimary() throws Exception {
        writeAndClose();
        corrupt("replica1");
        try (Connection c = open(); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            s.executeUpdate("INSERT INTO t VALUES (100, 'after')");
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertEquals(1, replica.applier().rebuilds(RebuildCause.FILE_CORRUPT), "rebuilds " + replica.applier()
                    .rebuildsByCause());
            NodeChecksum.assertReplicasMatchPrimary(cluster, "after the corrupt file was set aside");
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("replica1.mv.db.corrupt-"))
                        .count(), "the corrupt file is kept, under another name");
            }
        }
    }

    @Test
    void leftWhereItIsACorruptFileKeepsTheReplicaFailed() throws Exception {
        writeAndClose();
        corrupt("replica1");
        ReplicaApplier.setsAsideCorruptFiles = false;
        try (Connection c = open()) {
            Replica replica = c.unwrap(LatticeConnection.class).cluster().h2().replicas().get(0);
            Await.until("the replica to fail on its corrupt file", Duration.ofSeconds(30),
                    () -> replica.applier().state() == ReplicaState.FAILED && replica.applier().lastError() != null);
            assertTrue(replica.applier().lastError().contains("90030"), replica.applier().lastError());
            assertEquals(0, replica.applier().rebuilds(), "nothing was rebuilt");
        }
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:lattice:file:" + dir + "?replicas=1");
    }

    private void writeAndClose() throws Exception {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))");
            for (int i = 0; i < 50; i++) {
                s.executeUpdate("INSERT INTO t VALUES (" + i + ", 'v" + i + "')");
            }
            Await.caughtUp(c.unwrap(LatticeConnection.class).cluster(), Duration.ofSeconds(60));
        }
        ClusterRegistry.shutdown("FILE:" + dir.toAbsolutePath().normalize());
    }

    /** Overwrites both of the file's store headers (its first two 4 KB blocks). */
    private void corrupt(String node) throws IOException {
        byte[] garbage = new byte[8192];
        Arrays.fill(garbage, (byte) 'x');
        try (FileChannel f = FileChannel.open(dir.resolve(node + ".mv.db"), StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(garbage), 0);
        }
    }
}
