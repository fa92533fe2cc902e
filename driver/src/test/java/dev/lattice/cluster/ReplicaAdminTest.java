package dev.lattice.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ShowReplicas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SHOW REPLICAS reports real figures; ALTER REPLICA injects delay and pauses a replica's applier. */
class ReplicaAdminTest {

    @Test
    void showReplicasReportsAppliedLsnLagAndAUrlThatReachesTheReplica() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:admin-show?replicas=2&failureTimeout=100");
             Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            s.execute("ALTER REPLICA replica2 PAUSE");
            Await.until("replica2 to report PAUSED", Duration.ofSeconds(10), () -> state(c, "replica2").equals("PAUSED"));
            for (int i = 0; i < 5; i++) {
                s.executeUpdate("INSERT INTO t VALUES (" + i + ")");
            }
            Await.until("replica1 to catch up", Duration.ofSeconds(10),
                    () -> cluster.h2().replica("replica1").applied() == cluster.committedLsn());
            Map<String, Object[]> rows = showReplicas(s);
            assertEquals(3, rows.size());
            assertEquals(cluster.committedLsn(), rows.get("primary")[4]);
            assertEquals(0L, rows.get("replica1")[5]);
            assertEquals("PAUSED", rows.get("replica2")[3]);
            assertEquals(Boolean.TRUE, rows.get("replica1")[7], "replica1 is in the synchronous set");
            assertTrue((Long) rows.get("replica2")[5] >= 5, "replica2 is at least 5 transactions behind");
            try (Connection direct = DriverManager.getConnection((String) rows.get("replica2")[2], "sa", "");
                 Statement ds = direct.createStatement(); ResultSet rs = ds.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the paused replica, reached by its url, has none of the inserts");
            }
            s.execute("SET CONSISTENCY STRONG");
            s.executeUpdate("INSERT INTO t VALUES (100)");
            assertEquals(Boolean.FALSE, showReplicas(s).get("replica2")[7],
                    "a STRONG commit took the paused replica out of the synchronous set");
            s.execute("ALTER REPLICA replica2 RESUME");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
        }
    }

    @Test
    void injectedDelayHoldsBackApplyUntilItPasses() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:admin-delay?replicas=1");
             Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            s.execute("ALTER REPLICA replica1 SET DELAY 400");
            long start = System.nanoTime();
            s.executeUpdate("INSERT INTO t VALUES (1)");
            long lsn = cluster.committedLsn();
            Await.until("replica1 to apply the insert", Duration.ofSeconds(10),
                    () -> cluster.h2().replica("replica1").applied() >= lsn);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 400, "applied only after the delay, not after " + waitedMillis + " ms");
            assertEquals(400L, showReplicas(s).get("replica1")[8]);
            s.execute("ALTER REPLICA replica1 SET DELAY 0");
        }
    }

    @Test
    void unknownReplicaAndNegativeDelayAreRefusedClearly() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:admin-bad?replicas=1");
             Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("ALTER REPLICA replica9 PAUSE"));
            assertEquals("42704", e.getSQLState());
            assertTrue(e.getMessage().contains("replica1"), e.getMessage());
            assertEquals(2, showReplicas(s).size(), "the connection stays usable");
        }
    }

    private static String state(Connection c, String name) {
        try (Statement s = c.createStatement()) {
            return ShowReplicas.state(s, name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object[]> showReplicas(Statement s) throws SQLException {
        Map<String, Object[]> rows = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
            assertEquals("APPLIED_LSN", rs.getMetaData().getColumnName(5));
            while (rs.next()) {
                Object[] row = new Object[9];
                for (int i = 0; i < 9; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.put(rs.getString(1), row);
            }
        }
        return rows;
    }
}
