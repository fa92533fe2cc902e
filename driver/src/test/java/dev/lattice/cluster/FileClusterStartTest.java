package dev.lattice.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file cluster's start opens each node's database once and keeps it open while the cluster runs,
 * however many connections come and go; stopping the cluster closes them. Counted in H2's own trace
 * of each database ({@code TRACE_LEVEL_FILE=2} logs each opening and closing). A start that is
 * refused leaves none open.
 */
class FileClusterStartTest {

    @TempDir
    Path dir;

    @Test
    void eachStartOpensEveryDatabaseOnceAndStoppingClosesThem() throws Exception {
        String url = "jdbc:lattice:file:" + dir + ";TRACE_LEVEL_FILE=2?replicas=1";
        for (int start = 1; start <= 2; start++) {
            String key;
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS t(id INT PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (" + start + ")");
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                key = cluster.config().key();
                Await.caughtUp(cluster, Duration.ofSeconds(30));
            }
            // the cluster runs on with no session: a new session finds its databases open
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.executeQuery("SELECT COUNT(*) FROM t").close();
            }
            for (String node : new String[] {"primary", "replica1"}) {
                assertEquals(start, traced(node, "database: opening"), node + ": opened once per start (start " + start + ")");
            }
            ClusterRegistry.shutdown(key);
            for (String node : new String[] {"primary", "replica1"}) {
                assertEquals(start, traced(node, "database: closed"), node + ": closed when the cluster stopped");
            }
        }
    }

    @Test
    void aStartThatIsRefusedLeavesNoDatabaseOpen() throws Exception {
        // refused for its write delay, after Lattice opened the database to hold it
        String h2 = "jdbc:h2:file:" + dir.resolve("refused") + ";TRACE_LEVEL_FILE=2;WRITE_DELAY=500";
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:lattice:nodes?primary=" + h2).close());
        assertEquals("22023", e.getSQLState(), e.getMessage());
        assertEquals(1, traced("refused", "database: opening"), "held while the start was checked");
        assertEquals(1, traced("refused", "database: closed"), "closed when the start was refused");
    }

    private long traced(String node, String event) throws IOException {
        try (var lines = Files.lines(dir.resolve(node + ".trace.db"))) {
            return lines.filter(line -> line.contains(event)).count();
        }
    }
}
