package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.WouldWait;
import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.sql.analysis.StatementAnalysis;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.table.Table;
import org.junit.jupiter.api.Test;

/**
 * A read run "at once" on the primary (by a caller that must not block, the proxy's event loop)
 * never waits for DDL there: it fails with WouldWait, and runs whole once run again.
 */
class AtOnceReadTest {

    private static int read(Connection node, String sql) throws SQLException {
        try (Statement st = node.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aPrimaryReadThatMeetsATableLockFailsAtOnceAndRunsAfterwards() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:atonce-read?replicas=0");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            s.executeUpdate("INSERT INTO t VALUES (1, 7)");
            Session session = c.unwrap(LatticeConnection.class).session();
            StatementAnalysis select = session.analyze("SELECT v FROM t WHERE id = 1");
            assertTrue(session.runsAtOnce(select), "with no replica, an autocommit read runs at once on the primary");
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            try (Connection ddl = cluster.backend().primary().connectDirect()) {
                ddl.setAutoCommit(false);
                // the exclusive table lock H2's DDL holds while it runs (ALTER TABLE copying a large table)
                SessionLocal h2 = (SessionLocal) ddl.unwrap(JdbcConnection.class).getSession();
                Table t = h2.getDatabase().getSchema("PUBLIC").findTableOrView(h2, "T");
                t.lock(h2, Table.EXCLUSIVE_LOCK);
                assertThrows(WouldWait.class,
                        () -> session.executeNow(select, select.sql(), null, (n, i) -> read(n, select.sql())));

                // Without "at once" the same read waits for the lock, as a client's statement should.
                CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return session.execute(select, select.sql(), (n, i) -> read(n, select.sql()));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                ddl.commit(); // releases the lock
                assertEquals(7, waiting.get(30, TimeUnit.SECONDS));
            }
            assertEquals(7, (int) session.executeNow(select, select.sql(), null, (n, i) -> read(n, select.sql())),
                    "once the lock is gone, the read runs at once");
        }
    }
}
