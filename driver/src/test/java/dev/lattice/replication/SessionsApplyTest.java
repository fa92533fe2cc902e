package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ShowStats;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session that would wait for a replica to apply its commit applies it there itself when the
 * replica's applier is not at work: with the appliers' own threads held, STRONG and QUORUM commits
 * still reach the replicas, and a CAUSAL read of the session's write is still served by a replica.
 * A replica given an apply delay is never applied by sessions: there the same scenarios wait.
 */
class SessionsApplyTest {

    private static int clusters;

    private Connection c;
    private Statement s;
    private Cluster cluster;

    @BeforeEach
    void open() throws Exception {
        c = DriverManager.getConnection("jdbc:lattice:mem:sessions-apply-" + ++clusters
                + "?replicas=2&failureTimeout=300&consistencyTimeout=200");
        s = c.createStatement();
        cluster = c.unwrap(LatticeConnection.class).cluster();
        s.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
        s.execute("INSERT INTO t VALUES (1, 0)");
        Await.caughtUp(cluster, Duration.ofSeconds(10)); // DDL is left to the appliers
        Await.until("both replicas in the synchronous set", Duration.ofSeconds(10),
                () -> cluster.h2().replicas().stream().allMatch(r -> r.applier().inSyncSet()));
        for (Replica r : cluster.h2().replicas()) {
            r.applier().holdThread(true);
        }
    }

    @AfterEach
    void close() throws Exception {
        for (Replica r : cluster.h2().replicas()) {
            r.applier().holdThread(false);
        }
        c.close();
    }

    @Test
    void strongCommitsReachEveryReplicaThroughTheirSession() throws Exception {
        s.execute("SET CONSISTENCY STRONG");
        for (int v = 1; v <= 5; v++) {
            s.executeUpdate("UPDATE t SET v = " + v + " WHERE id = 1");
            assertNull(c.getWarnings(), "commit " + v);
            long lsn = cluster.committedLsn();
            for (Replica r : cluster.h2().replicas()) {
                assertTrue(r.applied() >= lsn, r.node().name() + " applied commit " + v);
                assertTrue(r.applier().inSyncSet(), r.node().name() + " stays in the synchronous set");
            }
        }

        // a delayed replica is left to its applier, held here: the commit waits for it, and it leaves the set
        s.execute("ALTER REPLICA replica2 SET DELAY 60000");
        s.executeUpdate("UPDATE t SET v = 6 WHERE id = 1");
        long lsn = cluster.committedLsn();
        assertTrue(cluster.h2().replica("replica1").applied() >= lsn);
        assertTrue(cluster.h2().replica("replica2").applied() < lsn, "nobody applied it to the delayed replica");
        assertFalse(cluster.h2().replica("replica2").applier().inSyncSet());
    }

    @Test
    void aQuorumCommitIsAppliedByItsSession() throws Exception {
        s.execute("SET CONSISTENCY QUORUM WRITE 2 READ 1");
        s.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
        assertNull(c.getWarnings());
        long lsn = cluster.committedLsn();
        assertTrue(cluster.h2().replicas().stream().allMatch(r -> r.applied() >= lsn), "both replicas applied it");

        s.execute("ALTER REPLICA replica2 SET DELAY 60000");
        s.executeUpdate("UPDATE t SET v = 2 WHERE id = 1");
        assertTrue(c.getWarnings().getMessage().contains("only 1 of the 2"), String.valueOf(c.getWarnings()));
    }

    @Test
    void aCausalReadOfTheSessionsWriteIsServedByAReplicaItApplied() throws Exception {
        s.execute("SET CONSISTENCY CAUSAL");
        long replicaReads = ShowStats.count(s, "CAUSAL", "REPLICA_READS");
        long waits = ShowStats.count(s, "CAUSAL", "WAITS");
        s.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
        assertEquals(1, value());
        assertEquals(replicaReads + 1, ShowStats.count(s, "CAUSAL", "REPLICA_READS"), "a replica served it");
        assertEquals(waits, ShowStats.count(s, "CAUSAL", "WAITS"), "without a wait");

        // with both replicas delayed nobody applies the write: the read waits, then falls back to the primary
        s.execute("ALTER REPLICA replica1 SET DELAY 60000");
        s.execute("ALTER REPLICA replica2 SET DELAY 60000");
        s.executeUpdate("UPDATE t SET v = 2 WHERE id = 1");
        long primaryReads = ShowStats.count(s, "CAUSAL", "PRIMARY_READS");
        assertEquals(2, value());
        assertEquals(primaryReads + 1, ShowStats.count(s, "CAUSAL", "PRIMARY_READS"), "the primary served it");
        assertEquals(waits + 1, ShowStats.count(s, "CAUSAL", "WAITS"), "after a wait");
    }

    private int value() throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
