package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.testing.Await;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.FreePort;
import dev.lattice.testing.NodeChecksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone proxy over a {@code file:} cluster is SIGKILLed while pgjdbc clients write through
 * it. Started again on the same directory, it has every acknowledged write, takes writes, and its
 * replicas converge on the primary's rows. Stopped with SIGTERM, it closes the cluster in order.
 */
class ProxyCrashTest {

    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    @Test
    void aKilledProxyLosesNoAcknowledgedWriteAndItsReplicasConverge() throws Exception {
        String clusterUrl = "jdbc:lattice:file:" + dir + "?replicas=2";
        int port = FreePort.find();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/lattice";
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        try (ChildJvm proxy = proxyProcess(port, clusterUrl)) {
            try (Connection c = java.sql.DriverManager.getConnection(url, "lattice", "lattice");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE acked(id BIGINT PRIMARY KEY, writer INT, note TEXT)");
            }
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(url, writer, acked), "writer-" + w);
                t.start();
                writers.add(t);
            }
            Await.until("400 acknowledged writes through the proxy", Duration.ofSeconds(120), () -> acked.size() >= 400);
            proxy.kill();
            for (Thread t : writers) {
                t.join(60_000);
            }
        }
        Set<Long> sent = new HashSet<>(acked);
        try (RunningProxy again = RunningProxy.start("unused", Map.of("cluster", Map.of("url", clusterUrl)));
             Connection c = again.connect(); Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY LINEARIZABLE");
            Set<Long> present = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT id FROM acked")) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
            sent.removeAll(present);
            assertTrue(sent.isEmpty(), sent.size() + " acknowledged writes lost with the proxy: " + sent);
            s.executeUpdate("INSERT INTO acked(id, writer, note) VALUES (-1, -1, 'after the restart')");
            Cluster cluster = again.server.cluster();
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            TreeMap<String, String> primary = NodeChecksum.of(cluster.primary().url());
            assertEquals(present.size() + 1, Integer.parseInt(primary.get("public.acked").split(":")[0]), primary::toString);
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(primary, NodeChecksum.of(r.node().url()), r.node().name() + " did not converge");
            }
            System.out.printf("proxy killed after %d acknowledged writes (%d rows on disk); none lost%n",
                    acked.size(), present.size());
        }
    }

    @Test
    void aProxyStoppedBySigtermClosesItsClusterInOrderSoItsReplicasGoOnFromTheirRecords() throws Exception {
        String clusterUrl = "jdbc:lattice:file:" + dir + "?replicas=2";
        int port = FreePort.find();
        try (ChildJvm proxy = proxyProcess(port, clusterUrl)) {
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/lattice",
                    "lattice", "lattice"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE stopped(id INT PRIMARY KEY)");
                s.execute("ALTER REPLICA replica1 PAUSE");
                s.executeUpdate("INSERT INTO stopped SELECT * FROM generate_series(1, 100)");
            }
            proxy.terminate(Duration.ofSeconds(60));
        }
        try (RunningProxy again = RunningProxy.start("unused", Map.of("cluster", Map.of("url", clusterUrl)))) {
            Cluster cluster = again.server.cluster();
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            TreeMap<String, String> primary = NodeChecksum.of(cluster.primary().url());
            assertEquals("100", primary.get("public.stopped").split(":")[0], primary::toString);
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(Map.of(), r.applier().rebuildsByCause(), r.node().name() + " was rebuilt: the proxy "
                        + "left it open");
                assertEquals(primary, NodeChecksum.of(r.node().url()), r.node().name() + " did not converge");
            }
        }
    }

    /** The standalone proxy in a child JVM over the cluster, listening on the port. */
    private static ChildJvm proxyProcess(int port, String clusterUrl) throws Exception {
        ChildJvm proxy = ChildJvm.start(LatticeProxy.class, "--port", String.valueOf(port), "--cluster", clusterUrl);
        try {
            proxy.awaitLine("Lattice proxy listening", Duration.ofSeconds(120));
        } catch (Throwable e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    /** Inserts rows with keys of its own until the proxy goes away, recording each acknowledged key. */
    private static void write(String url, int writer, ConcurrentLinkedQueue<Long> acked) {
        try (Connection c = java.sql.DriverManager.getConnection(url, "lattice", "lattice");
             PreparedStatement insert = c.prepareStatement("INSERT INTO acked(id, writer, note) VALUES (?, ?, ?)")) {
            for (long i = 0; ; i++) {
                long id = writer * 1_000_000_000L + i;
                insert.setLong(1, id);
                insert.setInt(2, writer);
                insert.setString(3, "row " + i);
                insert.executeUpdate();
                acked.add(id);
            }
        } catch (SQLException e) {
            // the proxy was killed: the writer stops; what it had acknowledged is checked
        }
    }
}
