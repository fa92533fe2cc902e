package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.WouldWait;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;

/**
 * A write run "at once" (by a caller that must not block, the proxy's event loop) never waits: one
 * that meets a row lock fails with WouldWait having done nothing, and runs whole once run again.
 */
class AtOnceWriteTest {

    private static int update(Connection node, String sql) throws SQLException {
        try (Statement st = node.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    private static int lockTimeout(Connection node) throws SQLException {
        return ((SessionLocal) node.unwrap(JdbcConnection.class).getSession()).getLockTimeout();
    }

    private static int value(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aWriteThatMeetsARowLockFailsAtOnceWithNothingDoneAndRunsWholeAfterwards() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("atonce-write", 0, 0);
             Connection holder = lc.connect("EVENTUAL"); Connection c = lc.connect("EVENTUAL");
             Statement s = c.createStatement(); Statement h = holder.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            s.executeUpdate("INSERT INTO t VALUES (1, 0)");
            Session session = c.unwrap(LatticeConnection.class).session();
            StatementAnalysis add = session.analyze("UPDATE t SET v = v + 10 WHERE id = 1");
            assertTrue(session.runsAtOnce(add), "an autocommit point update at EVENTUAL waits for no replica");

            holder.setAutoCommit(false);
            h.executeUpdate("UPDATE t SET v = 1 WHERE id = 1"); // holds the row's lock
            long committed = lc.cluster().backend().committedLsn();
            int[] lockTimeout = {-1};
            assertThrows(WouldWait.class, () -> session.executeNow(add, add.sql(), null, (n, i) -> {
                lockTimeout[0] = lockTimeout(n);
                return update(n, add.sql());
            }));
            assertEquals(0, lockTimeout[0], "H2 was told to wait for no lock");
            assertTrue(lockTimeout(c.unwrap(LatticeConnection.class).session().primaryConnection()) > 0,
                    "and the session's own lock timeout is back");
            assertEquals(committed, lc.cluster().backend().committedLsn(), "nothing was committed or logged");

            // Without "at once" the same write waits for the lock, as a client's statement should.
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try (Connection other = lc.connect("EVENTUAL"); Statement o = other.createStatement()) {
                    return o.executeUpdate("UPDATE t SET v = v + 100 WHERE id = 1");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            holder.commit();
            assertEquals(1, waiting.get(30, TimeUnit.SECONDS));
            h.execute("CREATE INDEX t_v ON t(v)"); // waits for every writer of t: the refused write left none behind

            assertEquals(1, (int) session.executeNow(add, add.sql(), null, (n, i) -> update(n, add.sql())));
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(30));
            assertEquals(111, value(s), "the holder's 1, the waiting +100, then the at-once +10");
            NodeChecksum.assertReplicasMatchPrimary(lc.cluster(), "");

            s.execute("SET CONSISTENCY STRONG");
            assertFalse(session.runsAtOnce(add), "a STRONG commit waits for its synchronous set");
            s.execute("SET CONSISTENCY CAUSAL");
            assertTrue(session.runsAtOnce(add));
            assertFalse(session.runsAtOnce(session.analyze("CREATE TABLE u(id INT)")), "DDL waits at the schema gate");
            c.setAutoCommit(false);
            assertFalse(session.runsAtOnce(add), "a write in a transaction");
            assertThrows(WouldWait.class, () -> session.executeNow(add, add.sql(), null, (n, i) -> update(n, add.sql())));
            c.rollback();
        }
    }
}
