package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.cluster.Cluster;
import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A STRONG read observes every acknowledged write, also one acknowledged at a level whose commit
 * did not wait for the synchronous set: replicas of the set that have not applied it do not serve it.
 */
class StrongReadTest {

    @Test
    void aStrongReadSeesAWriteAcknowledgedAtAWeakerLevel() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("strong-read", 0, 0);
             Connection writer = lc.connect("EVENTUAL");
             Connection strong = lc.connect("STRONG");
             Connection eventual = lc.connect("EVENTUAL");
             Statement w = writer.createStatement()) {
            Cluster cluster = lc.cluster();
            w.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            w.execute("INSERT INTO t VALUES (1, 1)");
            Await.until("both replicas in the synchronous set with every commit", Duration.ofSeconds(10),
                    () -> cluster.h2().replicas().stream().allMatch(r -> r.applier().inSyncSet()
                            && r.applied() >= cluster.committedLsn()));
            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            w.executeUpdate("UPDATE t SET v = 2 WHERE id = 1"); // acknowledged at EVENTUAL: waits for no replica

            try (Statement s = eventual.createStatement()) {
                assertEquals(1, value(s), "the paused replicas lack the write: at EVENTUAL the read is stale");
            }
            try (Statement s = strong.createStatement()) {
                s.execute("SET CONSISTENCY TIMEOUT 100");
                for (int i = 0; i < 4; i++) { // every replica in turn
                    assertEquals(2, value(s), "read " + i + " at STRONG after the write was acknowledged");
                }
            }
            lc.alter("ALTER REPLICA replica1 RESUME", "ALTER REPLICA replica2 RESUME");
        }
    }

    private static int value(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
