package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.FreePort;
import dev.lattice.testing.H2ServerMain;
import dev.lattice.testing.NodeChecksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that runs as its own H2 server process, killed with SIGKILL under load and started
 * again, catches up from the log (or from a snapshot once the log has moved on) with no
 * transaction lost or applied twice.
 */
class ReplicaRestartTest {

    @TempDir
    Path dir;

    @Test
    void killedReplicaServerCatchesUpFromTheLogWithNothingLostOrAppliedTwice() throws Exception {
        int port = FreePort.find();
        String url = "jdbc:lattice:nodes?primary=jdbc:h2:mem:restart-log;DB_CLOSE_DELAY=-1"
                + "&replica=jdbc:h2:tcp://localhost:" + port + "/replica1";
        ChildJvm server = startServer(port);
        try (Connection c = DriverManager.getConnection(url)) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            createTables(c);
            Await.caughtUp(cluster, Duration.ofSeconds(30));

            write(c, 0, 300);
            server.kill();
            write(c, 300, 600);
            Await.until("the killed replica to be marked failed", Duration.ofSeconds(30),
                    () -> replica.applier().state() == ReplicaState.FAILED);
            assertTrue(replica.applied() < cluster.committedLsn(), "the replica missed transactions while down");
            long rebuildsBefore = replica.applier().rebuilds();

            server = startServer(port);
            write(c, 600, 900);
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertEquals(rebuildsBefore, replica.applier().rebuilds(), "caught up from the log, not a snapshot");
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(replica.node().url()));
            assertEquals(900, count(replica.node().url(), "SELECT COUNT(*) FROM audit"), "each insert applied exactly once");
        } finally {
            server.close();
            ClusterRegistry.shutdown("NODES:jdbc:h2:mem:restart-log;DB_CLOSE_DELAY=-1");
        }
    }

    @Test
    void replicaBehindTheRetainedLogIsRebuiltFromASnapshot() throws Exception {
        int port = FreePort.find();
        String url = "jdbc:lattice:nodes?primary=jdbc:h2:mem:restart-snapshot;DB_CLOSE_DELAY=-1"
                + "&replica=jdbc:h2:tcp://localhost:" + port + "/replica1&logRetention=16";
        ChildJvm server = startServer(port);
        try (Connection c = DriverManager.getConnection(url)) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            createTables(c);
            write(c, 0, 100);
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            long rebuildsBefore = replica.applier().rebuilds();

            server.kill();
            write(c, 100, 400);
            long needed = replica.applied() + 1;
            Await.until("the log to be truncated past the replica", Duration.ofSeconds(30),
                    () -> oldestLogged(cluster) > needed);

            server = startServer(port);
            write(c, 400, 450);
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertTrue(replica.applier().rebuilds() > rebuildsBefore, "the replica was rebuilt from a snapshot");
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(replica.node().url()));
            assertEquals(450, count(replica.node().url(), "SELECT COUNT(*) FROM audit"));
        } finally {
            server.close();
            ClusterRegistry.shutdown("NODES:jdbc:h2:mem:restart-snapshot;DB_CLOSE_DELAY=-1");
        }
    }

    private ChildJvm startServer(int port) throws Exception {
        ChildJvm server = ChildJvm.start(H2ServerMain.class, String.valueOf(port), dir.toString());
        server.awaitLine("LISTENING", Duration.ofSeconds(60));
        return server;
    }

    private static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit(v INT, at TIMESTAMP DEFAULT NOW())");
            s.execute("CREATE TABLE ledger(id INT PRIMARY KEY, n BIGINT)");
            s.execute("INSERT INTO ledger SELECT X, 0 FROM SYSTEM_RANGE(0, 9)");
        }
    }

    private static void write(Connection c, int from, int to) throws SQLException {
        try (PreparedStatement audit = c.prepareStatement("INSERT INTO audit(v) VALUES (?)");
             PreparedStatement ledger = c.prepareStatement("UPDATE ledger SET n = n + 1 WHERE id = ?")) {
            for (int i = from; i < to; i++) {
                c.setAutoCommit(false);
                audit.setInt(1, i);
                audit.executeUpdate();
                ledger.setInt(1, i % 10);
                ledger.executeUpdate();
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    private static long oldestLogged(Cluster cluster) {
        try (Connection p = cluster.primary().connectDirect()) {
            return cluster.h2().sequencer().log().durable().oldest(p);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String h2Url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url, "sa", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
