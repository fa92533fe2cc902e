package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.backend.h2.Replica;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * STRONG and QUORUM commits return only once the replicas they promise have applied them; a
 * replica paused during STRONG commits leaves the synchronous set after the failure timeout, so
 * commits complete, and rejoins once caught up.
 */
class SyncCommitTest {

    @Test
    void strongCommitsWaitForTheSyncSetAndSurviveAPausedReplica() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("strong-pause", 10, 20);
             Connection c = DriverManager.getConnection(lc.url() + "&failureTimeout=300");
             Statement s = c.createStatement()) {
            Cluster cluster = lc.cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            s.execute("SET CONSISTENCY STRONG");
            Await.until("both replicas in the synchronous set", Duration.ofSeconds(10),
                    () -> cluster.h2().replicas().stream().allMatch(r -> r.applier().inSyncSet()));
            for (int i = 0; i < 30; i++) {
                if (i == 10) {
                    lc.alter("ALTER REPLICA replica2 PAUSE");
                }
                if (i == 20) {
                    lc.alter("ALTER REPLICA replica2 RESUME");
                }
                s.executeUpdate("INSERT INTO t VALUES (" + i + ")");
                long lsn = cluster.committedLsn();
                for (Replica r : cluster.h2().replicas()) {
                    ReplicaApplier a = r.applier();
                    assertTrue(a.applied() >= lsn || !a.inSyncSet(),
                            r.node().name() + " is in the synchronous set but has not applied LSN " + lsn);
                }
                assertTrue(cluster.h2().replica("replica1").applied() >= lsn, "the healthy replica applied every commit");
            }
            Replica paused = cluster.h2().replica("replica2");
            Await.until("replica2 to rejoin the synchronous set", Duration.ofSeconds(10), () -> paused.applier().inSyncSet());
        }
    }

    @Test
    void quorumCommitWaitsForWReplicasAndOtherwiseFollowsTheFallback() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("quorum-commit", 5, 5);
             Connection c = DriverManager.getConnection(lc.url()); Statement s = c.createStatement()) {
            Cluster cluster = lc.cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            s.execute("SET CONSISTENCY QUORUM WRITE 2 READ 1");
            s.executeUpdate("INSERT INTO t VALUES (1)");
            long lsn = cluster.committedLsn();
            assertTrue(cluster.h2().replicas().stream().allMatch(r -> r.applied() >= lsn), "both replicas applied before COMMIT returned");

            lc.alter("ALTER REPLICA replica2 PAUSE");
            s.execute("SET CONSISTENCY TIMEOUT 150");
            s.executeUpdate("INSERT INTO t VALUES (2)");
            SQLWarning warning = c.getWarnings();
            assertTrue(warning != null && warning.getMessage().contains("only 1 of the 2"), String.valueOf(warning));

            s.execute("SET CONSISTENCY FALLBACK ERROR");
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s.executeUpdate("INSERT INTO t VALUES (3)"));
            assertEquals("LT001", e.getSQLState());
            assertTrue(e.getMessage().contains("durable on the primary"), e.getMessage());
            lc.alter("ALTER REPLICA replica2 RESUME");
            s.execute("SET CONSISTENCY CAUSAL");
            try (var rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertEquals(3, rs.getInt(1), "the commits that warned or failed are durable");
            }
            assertFalse(cluster.h2().replicas().isEmpty());
        }
    }

    @Test
    void strongWithAnEmptySynchronousSetSaysSoInsteadOfAcknowledgingInSilence() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("strong-empty", 0, 0);
             Connection c = DriverManager.getConnection(lc.url() + "&failureTimeout=200");
             Statement s = c.createStatement()) {
            Cluster cluster = lc.cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            s.execute("SET CONSISTENCY STRONG");
            Await.until("both replicas in the synchronous set", Duration.ofSeconds(10),
                    () -> cluster.h2().replicas().stream().allMatch(r -> r.applier().inSyncSet()));
            s.executeUpdate("INSERT INTO t VALUES (1)");
            assertEquals(null, c.getWarnings(), "a commit the synchronous set applied gives no warning");

            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.executeUpdate("INSERT INTO t VALUES (2)");
            SQLWarning warning = c.getWarnings();
            assertTrue(warning != null && warning.getMessage().contains("no replica is in STRONG's synchronous set"),
                    String.valueOf(warning));
            assertFalse(cluster.h2().replicas().stream().anyMatch(r -> r.applier().inSyncSet()), "both left the set");

            c.clearWarnings();
            s.execute("SET CONSISTENCY FALLBACK ERROR");
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s.executeUpdate("INSERT INTO t VALUES (3)"));
            assertEquals("LT001", e.getSQLState());
            assertTrue(e.getMessage().contains("durable on the primary"), e.getMessage());
            lc.alter("ALTER REPLICA replica1 RESUME", "ALTER REPLICA replica2 RESUME");
        }
    }
}
