package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.ShowStats;
import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A read that no replica can serve yet, while the replicas are applying as they should, reads the
 * primary at once instead of waiting for one (issue 12): the primary keeps every promise. The
 * replicas are held mid-apply by a row lock taken on each of them, so none can have the write.
 */
class PrimaryAtOnceTest {

    @Test
    void aReadOfTheSessionsOwnWriteReadsThePrimaryAtOnceWhileReplicasApply() throws Exception {
        afterAWriteWithReplicasHeld("READ_YOUR_WRITES", "PRIMARY", 5000, (lc, s) -> {
            assertEquals(1, value(s), "the read sees the session's write");
            assertEquals(0, ShowStats.count(s, "READ_YOUR_WRITES", "WAITS"), "it did not wait for a replica");
            assertEquals(0, ShowStats.count(s, "READ_YOUR_WRITES", "FALLBACKS"));
            assertEquals(1, ShowStats.count(s, "READ_YOUR_WRITES", "PRIMARY_READS"));
            assertFalse(lc.cluster().h2().replica("replica1").applied() >= lc.cluster().h2().committedLsn(),
                    "replica1 was still applying");
        }, (lc, s) -> {
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(30));
            assertEquals(1, value(s));
            assertEquals(1, ShowStats.count(s, "READ_YOUR_WRITES", "REPLICA_READS"), "caught up, replicas serve again");
        });
    }

    /** Once per LSN: the next read that needs the same write goes to a replica, so replicas keep serving most reads. */
    @Test
    void theNextReadThatNeedsTheSameWriteWaitsForAReplica() throws Exception {
        afterAWriteWithReplicasHeld("READ_YOUR_WRITES", "PRIMARY", 200, (lc, s) -> {
            assertEquals(1, value(s));
            assertEquals(0, ShowStats.count(s, "READ_YOUR_WRITES", "WAITS"), "the first read went to the primary at once");
            assertEquals(1, value(s), "the replicas are held: the second falls back after the timeout");
            assertEquals(1, ShowStats.count(s, "READ_YOUR_WRITES", "WAITS"));
            assertEquals(1, ShowStats.count(s, "READ_YOUR_WRITES", "FALLBACKS"));
        }, null);
    }

    /** The same scenario with FALLBACK ERROR, which asks for replicas only: the read waits, and fails. */
    @Test
    void withFallbackErrorTheSameReadWaitsForAReplica() throws Exception {
        afterAWriteWithReplicasHeld("READ_YOUR_WRITES", "ERROR", 200, (lc, s) -> {
            SQLException e = assertThrows(SQLException.class, () -> value(s));
            assertEquals("LT001", e.getSQLState());
            assertEquals(1, ShowStats.count(s, "READ_YOUR_WRITES", "WAITS"));
        }, null);
    }

    /**
     * Past the LSN a read needs, another commit: reading the primary would raise a CAUSAL session's
     * position beyond what it needs, so it waits for a replica as before (here up to the timeout).
     */
    @Test
    void aReadWhoseLsnIsNotTheLastCommitWaits() throws Exception {
        afterAWriteWithReplicasHeld("CAUSAL", "PRIMARY", 200, (lc, s) -> {
            try (Connection other = lc.connect("EVENTUAL"); Statement o = other.createStatement()) {
                o.executeUpdate("INSERT INTO u VALUES (1)");
            }
            assertEquals(1, value(s), "the fallback after the timeout reads the primary");
            assertEquals(1, ShowStats.count(s, "CAUSAL", "WAITS"));
            assertEquals(1, ShowStats.count(s, "CAUSAL", "FALLBACKS"));
        }, null);
    }

    /** What a test does at one point of the scenario. */
    @FunctionalInterface
    private interface Step {
        void run(LaggedCluster lc, Statement session) throws Exception;
    }

    /**
     * The scenario: a session at the level, with the fallback and the timeout, updates row
     * 1 of t while both replicas are held before they can apply it; then whileHeld runs, the replicas
     * are released, and afterwards (if not null) runs.
     */
    private static void afterAWriteWithReplicasHeld(String level, String fallback, int timeoutMillis, Step whileHeld,
                                                    Step afterwards) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("primary-at-once", 0, 0);
             Connection c = lc.connect(level); Statement s = c.createStatement()) {
            lc.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 0)",
                    "CREATE TABLE u(id INT PRIMARY KEY)");
            s.execute("SET CONSISTENCY TIMEOUT " + timeoutMillis);
            s.execute("SET CONSISTENCY FALLBACK " + fallback);
            List<Connection> holds = holdRowOnReplicas(lc);
            try {
                s.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
                whileHeld.run(lc, s);
            } finally {
                release(holds);
            }
            if (afterwards != null) {
                afterwards.run(lc, s);
            }
        }
    }

    /** On each replica, a transaction that holds row 1 of t: the applier blocks on it until released. */
    private static List<Connection> holdRowOnReplicas(LaggedCluster lc) throws SQLException {
        List<Connection> holds = new ArrayList<>();
        for (String name : new String[] {"replica1", "replica2"}) {
            Connection raw = lc.cluster().h2().replica(name).node().connectDirect();
            holds.add(raw);
            raw.setAutoCommit(false);
            try (Statement st = raw.createStatement()) {
                st.execute("SET LOCK_TIMEOUT 60000");
                assertEquals(1, st.executeUpdate("UPDATE t SET v = v WHERE id = 1"));
            }
        }
        return holds;
    }

    private static void release(List<Connection> holds) throws SQLException {
        for (Connection raw : holds) {
            raw.rollback();
            raw.close();
        }
    }

    private static int value(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
