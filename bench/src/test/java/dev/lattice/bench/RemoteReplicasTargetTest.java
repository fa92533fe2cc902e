package dev.lattice.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The 2r-remote-* configurations: replicas on an H2 server in a child JVM, which applies their batches itself. */
class RemoteReplicasTargetTest {

    @Test
    void replicasOnAServerOfTheirOwnGetEveryWriteThroughItsAlias() throws Exception {
        LatticeTarget target = LatticeTarget.withRemoteReplicas("remote", "remote-test-" + System.nanoTime(), 2, "CAUSAL");
        String replicaUrl;
        try (Connection c = target.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            for (int i = 0; i < 50; i++) {
                s.executeUpdate("INSERT INTO t VALUES (" + i + ", " + i + ")");
            }
            s.executeUpdate("UPDATE t SET v = v + 1 WHERE id < 10");
            assertTrue(target.settle(30_000).caughtUp(), "both replicas caught up");
            Cluster cluster = target.cluster();
            assertEquals(2, cluster.h2().replicas().size());
            for (Replica r : cluster.h2().replicas()) {
                String url = r.node().url();
                assertTrue(url.startsWith("jdbc:h2:tcp://127.0.0.1:"), url);
                assertEquals(1, count(url, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.ROUTINES "
                        + "WHERE ROUTINE_SCHEMA = 'LATTICE' AND ROUTINE_NAME = 'APPLY_ROWS'"), "applied by its server");
                assertEquals(50 * 49 / 2 + 10, count(url, "SELECT SUM(v) FROM t"), "every write, on " + url);
            }
            replicaUrl = cluster.h2().replicas().get(0).node().url();
        } finally {
            target.close();
        }
        String stopped = replicaUrl;
        assertThrows(SQLException.class, () -> count(stopped, "SELECT 1"), "the server stops with the target");
    }

    private static long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
