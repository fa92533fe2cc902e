package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A query Lattice reads as a read may still write: a user's function (CREATE ALIAS) that inserts.
 * Run on a replica, its rows would stay there, unlogged, and replicas would diverge from the
 * primary; Lattice undoes them there and runs the statement on the primary, or, in a read-only
 * transaction, refuses it as the write it is.
 */
class ReadsThatWriteTest {

    private static final String STAMP = "CREATE ALIAS stamp AS 'int stamp(java.sql.Connection c, int id) "
            + "throws java.sql.SQLException { c.createStatement().execute(\"INSERT INTO t VALUES (\" + id + \")\"); "
            + "return id; }'";

    @Test
    void aSelectWhoseFunctionWritesRunsOnThePrimaryAndReplicasStayEqual() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:reads-that-write-" + System.nanoTime()
                + "?replicas=2&consistency=EVENTUAL"); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            s.execute(STAMP);
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            for (int id = 1; id <= 4; id++) { // EVENTUAL takes the replicas in turn: each reads on both
                try (ResultSet rs = s.executeQuery("SELECT stamp(" + id + ")")) {
                    rs.next();
                    assertEquals(id, rs.getInt(1));
                }
            }
            // Read-only transactions commit what each replica connection holds open.
            for (int i = 0; i < 2; i++) {
                s.execute("START TRANSACTION READ ONLY");
                count(s);
                s.execute("COMMIT");
            }
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "after SELECTs whose function inserted");
            try (Connection direct = DriverManager.getConnection(cluster.primary().url(), "sa", "");
                 Statement d = direct.createStatement()) {
                assertEquals(4, count(d), "the primary has every row the function inserted");
            }
            s.executeUpdate("INSERT INTO t VALUES (5)"); // the replicas apply on, unblocked
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "after a write");
        }
    }

    @Test
    void aReadOnlyTransactionRefusesASelectWhoseFunctionWrites() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:read-only-writes-" + System.nanoTime()
                + "?replicas=2&consistency=EVENTUAL"); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            s.execute(STAMP);
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            s.execute("START TRANSACTION READ ONLY");
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT stamp(1)"));
            assertEquals("25006", e.getSQLState(), e.getMessage());
            s.execute("COMMIT");
            assertEquals(0, count(s), "the connection stays usable");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "after the refused SELECT");
        }
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
