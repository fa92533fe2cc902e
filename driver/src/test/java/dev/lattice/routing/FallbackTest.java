package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.testing.ShowStats;
import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** With no replica able to serve a read, it waits the CONSISTENCY TIMEOUT, then reads the primary or fails with LT001. */
class FallbackTest {

    @Test
    void fallbackErrorRaisesLt001NamingTheLevelAndTheLagAfterTheTimeout() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("fallback-error", 0, 0); Connection c = lc.connect("CAUSAL");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.executeUpdate("INSERT INTO t VALUES (1)");
            s.execute("SET CONSISTENCY TIMEOUT 200");
            s.execute("SET CONSISTENCY FALLBACK ERROR");
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT COUNT(*) FROM t"));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals("LT001", e.getSQLState());
            assertTrue(e.getMessage().contains("CAUSAL") && e.getMessage().contains("replica1 applied"), e.getMessage());
            assertTrue(waitedMs >= 200, "failed only after the timeout, not after " + waitedMs + " ms");
            assertEquals(1, ShowStats.count(s, "CAUSAL", "ERRORS"));
        }
    }

    @Test
    void fallbackPrimaryReadsThePrimaryAfterTheTimeout() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("fallback-primary", 0, 0); Connection c = lc.connect("CAUSAL");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.executeUpdate("INSERT INTO t VALUES (1)");
            s.execute("SET CONSISTENCY TIMEOUT 200");
            long start = System.nanoTime();
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the primary has the write the replicas lack");
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs >= 200, "fell back only after the timeout, not after " + waitedMs + " ms");
            assertEquals(1, ShowStats.count(s, "CAUSAL", "FALLBACKS"));
            assertEquals(1, ShowStats.count(s, "CAUSAL", "WAITS"));
        }
    }

    @Test
    void aReadThatMustNotWaitReadsThePrimaryAtOnceWhenNoReplicaKeepsThePromise() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("fallback-now", 0, 0); Connection c = lc.connect("CAUSAL");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            Session session = c.unwrap(LatticeConnection.class).session();
            StatementAnalysis count = session.analyze("SELECT COUNT(*) FROM t");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(30));
            assertTrue(session.runsAtOnce(count), "a replica has everything the session saw");

            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.executeUpdate("INSERT INTO t VALUES (1)");
            s.execute("SET CONSISTENCY TIMEOUT 600000"); // a wait would hang the test, not slow it
            assertFalse(session.runsAtOnce(count), "no replica has the session's write");
            int[] node = {-1};
            int rows = session.executeNow(count, count.sql(), null, (n, index) -> {
                node[0] = index;
                try (Statement st = n.createStatement(); ResultSet rs = st.executeQuery(count.sql())) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals(1, rows, "the primary has the write the replicas lack");
            assertEquals(0, node[0]);
            assertEquals(0, ShowStats.count(s, "CAUSAL", "WAITS"), "it did not wait for a replica");
            assertEquals(1, ShowStats.count(s, "CAUSAL", "FALLBACKS"));
            assertFalse(session.runsAtOnce(session.analyze("SELECT * FROM t FOR UPDATE")), "not a routed read");

            lc.alter("ALTER REPLICA replica1 RESUME", "ALTER REPLICA replica2 RESUME");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(30));
            assertTrue(session.runsAtOnce(count));
            session.executeNow(count, count.sql(), null, (n, index) -> node[0] = index);
            assertTrue(node[0] > 0, "a replica that has the write serves it");
            c.setAutoCommit(false);
            assertFalse(session.runsAtOnce(count), "a read in a transaction is not an autocommit read");
            c.rollback();
        }
    }
}
