package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lattice.cluster.Cluster;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input reaches the caller as H2's SQLException with its SQLState; the connection stays
 * usable; and nothing of a failed statement reaches the log or any replica.
 */
class BadInputTest {

    private Connection c;
    private Cluster cluster;

    @BeforeEach
    void open() throws SQLException {
        c = DriverManager.getConnection("jdbc:lattice:mem:bad-input-" + System.nanoTime() + "?replicas=2");
        cluster = c.unwrap(LatticeConnection.class).cluster();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT CHECK (qty >= 0))");
            s.execute("INSERT INTO item VALUES (1, 'one', 1), (2, 'two', 2)");
        }
    }

    @Test
    void invalidSqlFailsWithH2sSqlStateAndTheConnectionStaysUsable() throws SQLException {
        long before = cluster.committedLsn();
        try (Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELEC * FROM item"));
            assertEquals("42001", e.getSQLState());
            e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM no_such_table"));
            assertEquals("42S02", e.getSQLState());
            assertEquals(2, count(s));
        }
        assertEquals(before, cluster.committedLsn(), "nothing was logged");
    }

    @Test
    void constraintViolationOfAMultiRowInsertShipsNoneOfItsRows() throws SQLException {
        long before = cluster.committedLsn();
        try (Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> s.executeUpdate("INSERT INTO item VALUES (3, 'three', 3), (4, 'four', 4), (1, 'dup', 1)"));
            assertEquals("23505", e.getSQLState());
            e = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE item SET qty = qty - 2"));
            assertEquals("23513", e.getSQLState());
            e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO item VALUES (5, NULL, 1)"));
            assertEquals("23502", e.getSQLState());
            assertEquals(2, count(s));
            s.executeUpdate("INSERT INTO item VALUES (3, 'three', 3)");
        }
        assertEquals(before + 1, cluster.committedLsn(), "only the good insert got an LSN");
        assertReplicasMatchPrimary();
    }

    @Test
    void aStatementFailingMidTransactionLeavesTheRestOfTheTransactionIntact() throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO item VALUES (10, 'ten', 10)");
            SQLException e = assertThrows(SQLException.class,
                    () -> s.executeUpdate("INSERT INTO item VALUES (11, 'eleven', 11), (10, 'again', 10)"));
            assertEquals("23505", e.getSQLState());
            s.executeUpdate("UPDATE item SET qty = 99 WHERE id = 10");
            c.commit();
        }
        assertReplicasMatchPrimary();
        for (Replica r : cluster.h2().replicas()) {
            try (Connection direct = DriverManager.getConnection(r.node().url(), "sa", "");
                 Statement s = direct.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item WHERE id = 11")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the failed statement's first row never reached " + r.node().name());
            }
        }
    }

    @Test
    void aRolledBackTransactionReachesNoReplica() throws SQLException {
        long before = cluster.committedLsn();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO item VALUES (20, 'twenty', 20)");
            s.executeUpdate("DELETE FROM item WHERE id = 1");
            c.rollback();
            assertEquals(2, count(s));
        }
        assertEquals(before, cluster.committedLsn());
        assertReplicasMatchPrimary();
    }

    @Test
    void failedDdlIsNotReplicated() throws SQLException {
        long before = cluster.committedLsn();
        try (Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE item(id INT)"));
            assertEquals("42S01", e.getSQLState());
            assertEquals(2, count(s));
        }
        assertEquals(before, cluster.committedLsn());
        assertReplicasMatchPrimary();
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void assertReplicasMatchPrimary() throws SQLException {
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        NodeChecksum.assertReplicasMatchPrimary(cluster, "");
    }
}
