package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.FreePort;
import dev.lattice.testing.H2ServerMain;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary that is an H2 server in another process, killed with SIGKILL while several writers
 * commit through Lattice, still holds every transaction Lattice acknowledged once it is started
 * again on the same files; left at H2's default WRITE_DELAY it does not.
 */
class PrimaryDurabilityTest {

    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    @Test
    void killedRemotePrimaryKeepsEveryAcknowledgedCommit() throws Exception {
        Outcome outcome = killPrimaryUnderLoad("durable");
        System.out.println("WRITE_DELAY 0 (Lattice's fix): " + outcome);
        assertTrue(outcome.acknowledged > 200, "enough commits were acknowledged to mean something: " + outcome);
        assertEquals(0, outcome.lost, "acknowledged commits lost by the killed primary: " + outcome);
    }

    @Test
    void withoutTheFixAKilledRemotePrimaryLosesAcknowledgedCommits() throws Exception {
        PrimaryDurability.enforced = false;
        try {
            List<Outcome> attempts = new ArrayList<>();
            for (int attempt = 0; attempt < 3; attempt++) {
                Outcome outcome = killPrimaryUnderLoad("default" + attempt);
                attempts.add(outcome);
                System.out.println("H2's default WRITE_DELAY, attempt " + (attempt + 1) + ": " + outcome);
                if (outcome.lost > 0) {
                    return;
                }
            }
            throw new AssertionError("H2's default WRITE_DELAY lost nothing in " + attempts
                    + ": this test no longer shows that the fix is needed");
        } finally {
            PrimaryDurability.enforced = true;
        }
    }

    @Test
    void primaryUrlThatDelaysWritesIsRefusedNamingTheSetting() {
        String url = "jdbc:lattice:nodes?primary=jdbc:h2:file:" + dir.resolve("delayed") + ";WRITE_DELAY=500";
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close());
        assertEquals("22023", e.getSQLState());
        assertTrue(e.getMessage().contains("WRITE_DELAY"), e.getMessage());
    }

    @Test
    void userWithoutAdminRightsOnADelayingPrimaryIsRefusedNamingTheSetting() throws Exception {
        String h2 = "jdbc:h2:file:" + dir.resolve("shared");
        try (Connection admin = DriverManager.getConnection(h2, "sa", "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE USER app PASSWORD 'secret'");
            // the database stays open with H2's default write delay while app connects
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:lattice:nodes?primary=" + h2 + "&user=app&password=secret").close());
            assertEquals("22023", e.getSQLState());
            assertTrue(e.getMessage().contains("WRITE_DELAY") && e.getMessage().contains("admin"), e.getMessage());
        }
    }

    @Test
    void embeddedFilePrimaryCommitsWithoutWriteDelay() throws Exception {
        String h2 = "jdbc:h2:file:" + dir.resolve("embedded");
        String url = "jdbc:lattice:nodes?primary=" + h2;
        try (Connection c = DriverManager.getConnection(url);
             Connection raw = DriverManager.getConnection(h2 + ";WRITE_DELAY=0", "sa", "")) {
            assertEquals("0", PrimaryDurability.writeDelay(raw));
        } finally {
            ClusterRegistry.shutdown("NODES:" + h2);
        }
    }

    /** Writers commit through Lattice until the primary's server is killed; then what survived is counted. */
    private Outcome killPrimaryUnderLoad(String database) throws Exception {
        Path base = dir.resolve(database);
        String primary = "jdbc:h2:tcp://localhost:" + FreePort.find() + "/primary";
        String h2 = primary.replace("/primary", "");
        ChildJvm server = startServer(h2, base);
        ConcurrentLinkedQueue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
        try {
            String url = "jdbc:lattice:nodes?primary=" + primary;
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE acked(id INT PRIMARY KEY, writer INT)");
            }
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(url, writer, acknowledged), "writer-" + w);
                t.start();
                writers.add(t);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (acknowledged.size() < 600 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            server.kill();
            for (Thread t : writers) {
                t.join(30_000);
            }
        } finally {
            server.close();
            ClusterRegistry.shutdown("NODES:" + primary);
        }
        String restarted = "jdbc:h2:tcp://localhost:" + FreePort.find();
        try (ChildJvm again = startServer(restarted, base)) {
            Set<Integer> present = new HashSet<>();
            try (Connection raw = DriverManager.getConnection(restarted + "/primary", "sa", "");
                 Statement s = raw.createStatement()) {
                boolean tableSurvived;
                try (ResultSet t = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                        + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'ACKED'")) {
                    t.next();
                    tableSurvived = t.getInt(1) == 1;
                }
                // with writes delayed, the kill can lose the table itself: then every row is lost
                if (tableSurvived) {
                    try (ResultSet rs = s.executeQuery("SELECT id FROM acked")) {
                        while (rs.next()) {
                            present.add(rs.getInt(1));
                        }
                    }
                }
            }
            int lost = 0;
            for (int id : acknowledged) {
                if (!present.contains(id)) {
                    lost++;
                }
            }
            return new Outcome(acknowledged.size(), lost);
        }
    }

    private static void write(String url, int writer, ConcurrentLinkedQueue<Integer> acknowledged) {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement insert = c.prepareStatement("INSERT INTO acked(id, writer) VALUES (?, ?)")) {
            for (int i = 0; ; i++) {
                int id = writer * 10_000_000 + i;
                insert.setInt(1, id);
                insert.setInt(2, writer);
                insert.executeUpdate();
                acknowledged.add(id);
            }
        } catch (SQLException e) {
            // the primary was killed: this writer is done
        }
    }

    private static ChildJvm startServer(String h2Url, Path base) throws Exception {
        String port = h2Url.substring(h2Url.lastIndexOf(':') + 1);
        ChildJvm server = ChildJvm.start(H2ServerMain.class, port, base.toString());
        server.awaitLine("LISTENING", Duration.ofSeconds(60));
        return server;
    }

    private record Outcome(int acknowledged, int lost) {
    }
}
