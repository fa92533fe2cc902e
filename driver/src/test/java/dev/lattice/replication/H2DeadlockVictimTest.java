package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Writers that take no Lattice locks (no SERIALIZABLE transaction runs) meet in H2's row locks,
 * and H2 rolls back the whole transaction of the deadlock victim it picks. Lattice forgets that
 * transaction's captured changes too: what the victim runs after is a new transaction, and only
 * it reaches the log, so the replicas hold exactly the primary's rows.
 */
class H2DeadlockVictimTest {

    @Test
    void theVictimOfAnH2DeadlockShipsNothingOfTheTransactionH2RolledBack() throws Exception {
        String url = "jdbc:lattice:mem:h2-deadlock-" + System.nanoTime() + "?replicas=2";
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url);
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            Cluster cluster = a.unwrap(LatticeConnection.class).cluster();
            sa.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(10))");
            sa.execute("INSERT INTO t VALUES (1, 'start'), (2, 'start')");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            sa.executeUpdate("UPDATE t SET v = 'a' WHERE id = 1");
            sb.executeUpdate("UPDATE t SET v = 'b' WHERE id = 2");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<SQLException> fa = pool.submit(() -> crossing(sa, 2, "a"));
            Future<SQLException> fb = pool.submit(() -> crossing(sb, 1, "b"));
            SQLException ea = fa.get();
            SQLException eb = fb.get();
            pool.shutdown();
            SQLException deadlock = ea != null ? ea : eb;
            assertNotNull(deadlock, "H2 picked a deadlock victim");
            assertEquals("40001", deadlock.getSQLState(), deadlock.getMessage());
            Connection victim = ea != null ? a : b;
            try (Statement s = victim.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (3, 'after')"); // the victim goes on, as JDBC lets it
            }
            a.commit();
            b.commit();
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "after an H2 deadlock");
        }
    }

    /** Updates the row the other session holds; returns the failure, or null. */
    private static SQLException crossing(Statement s, int id, String value) {
        try {
            s.executeUpdate("UPDATE t SET v = '" + value + "' WHERE id = " + id);
            return null;
        } catch (SQLException e) {
            return e;
        }
    }
}
