package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.H2ServerProcess;
import dev.lattice.testing.NodeChecksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replicas converge when a session runs, in the middle of a write transaction, a statement that
 * makes H2 commit it: most H2 settings, any change of the isolation level, ANALYZE, SCRIPT. Lattice
 * commits it first, with its LSN, as it does before DDL; SET AUTOCOMMIT is the JDBC switch. Unlogged, the changes H2 committed would be missing on
 * the replicas of an embedded primary (the capture is dropped at the session's rollback), and on a
 * remote primary they would ship late, with the session's next commit, after writes of other sessions
 * that they preceded on the primary.
 */
class ImplicitCommitsTest {

    @TempDir
    static Path dir;
    private static H2ServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = H2ServerProcess.start(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @ParameterizedTest(name = "{0} primary: {1} commits: {2}")
    @CsvSource(delimiter = '|', value = {
            "remote   | setTransactionIsolation                                                   | true",
            "remote   | SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED | true",
            "remote   | SET MODE Regular                                                          | true",
            "remote   | SET DEFAULT_LOCK_TIMEOUT 4000                                             | true",
            "remote   | ANALYZE                                                                   | true",
            "remote   | SCRIPT NODATA                                                             | true",
            "remote   | SET LOCK_TIMEOUT 4000                                                     | false",
            "remote   | SET @marker = 1                                                           | false",
            "embedded | setTransactionIsolation                                                   | true",
            "embedded | SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED | true",
            "embedded | SET MODE Regular                                                          | true",
            "embedded | SET DEFAULT_LOCK_TIMEOUT 4000                                             | true",
            "embedded | ANALYZE                                                                   | true",
            "embedded | SCRIPT NODATA                                                             | true",
            "embedded | SET LOCK_TIMEOUT 4000                                                     | false",
            "embedded | SET @marker = 1                                                           | false",
    })
    void aStatementThatMakesH2CommitShipsTheTransactionFirst(String primary, String statement, boolean commits)
            throws Exception {
        try (H2ServerProcess.ClusterUrl nodes = server.cluster(primary, "settings", 2, "");
             Connection a = DriverManager.getConnection(nodes.url()); Connection b = DriverManager.getConnection(nodes.url());
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            Cluster cluster = a.unwrap(LatticeConnection.class).cluster();
            sa.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            sa.execute("INSERT INTO t VALUES (1, 0), (2, 0)");
            Await.caughtUp(cluster, Duration.ofSeconds(30)); // the replicas' first snapshot is behind them

            a.setAutoCommit(false);
            sa.executeUpdate("INSERT INTO t VALUES (3, 1), (4, 1)");
            if (statement.equals("setTransactionIsolation")) {
                a.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            } else {
                sa.execute(statement);
            }
            a.rollback(); // undoes the inserts only if the statement left the transaction open

            sb.executeUpdate("DELETE FROM t WHERE id = 4"); // another session, after the statement
            sa.executeUpdate("UPDATE t SET v = 5 WHERE id = 2");
            a.commit();

            assertEquals(commits ? 3 : 2, count(cluster.primary().url()), "rows on the primary");
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @ParameterizedTest(name = "{0} primary")
    @CsvSource({"remote", "embedded"})
    void aSettingH2RejectsLeavesTheTransactionOpen(String primary) throws Exception {
        try (H2ServerProcess.ClusterUrl nodes = server.cluster(primary, "settings", 1, "");
             Connection a = DriverManager.getConnection(nodes.url()); Statement sa = a.createStatement()) {
            Cluster cluster = a.unwrap(LatticeConnection.class).cluster();
            sa.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            a.setAutoCommit(false);
            sa.executeUpdate("INSERT INTO t VALUES (3, 1)");
            assertThrows(SQLException.class, () -> sa.execute("SET NO_SUCH_SETTING 1"));
            a.rollback();
            assertEquals(0, count(cluster.primary().url()), "the rollback undid the insert");
        }
    }

    @ParameterizedTest(name = "{0} primary")
    @CsvSource({"remote", "embedded"})
    void setAutocommitIsTheJdbcSwitchNotH2s(String primary) throws Exception {
        try (H2ServerProcess.ClusterUrl nodes = server.cluster(primary, "settings", 1, "");
             Connection a = DriverManager.getConnection(nodes.url()); Connection b = DriverManager.getConnection(nodes.url());
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            Cluster cluster = a.unwrap(LatticeConnection.class).cluster();
            sa.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            sa.execute("INSERT INTO t VALUES (1, 0), (2, 0)");
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            a.setAutoCommit(false);
            sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 2");
            sa.execute("SET AUTOCOMMIT TRUE"); // commits, as setAutoCommit(true) does
            // H2 left to commit by itself would commit this unlogged; the v = 2 of the other session
            // would then reach the replicas before it
            sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
            sb.executeUpdate("UPDATE t SET v = 2 WHERE id = 1");
            sa.execute("SET AUTOCOMMIT OFF");
            sa.executeUpdate("UPDATE t SET v = 3 WHERE id = 2");
            a.rollback();

            Await.caughtUp(cluster, Duration.ofSeconds(30));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    /** H2 takes SET AUTOCOMMIT with = or TO, 1 or 0, and a comment after: each is the JDBC switch too. */
    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({"SET AUTOCOMMIT=TRUE, SET AUTOCOMMIT=FALSE", "SET AUTOCOMMIT = 1, SET AUTOCOMMIT TO 0",
            "SET AUTOCOMMIT TO ON -- on, SET AUTOCOMMIT OFF;"})
    void everySpellingOfSetAutocommitIsTheJdbcSwitch(String on, String off) throws Exception {
        try (H2ServerProcess.ClusterUrl nodes = server.cluster("embedded", "spellings", 1, "");
             Connection a = DriverManager.getConnection(nodes.url()); Statement sa = a.createStatement()) {
            Cluster cluster = a.unwrap(LatticeConnection.class).cluster();
            sa.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            sa.execute("INSERT INTO t VALUES (1, 0), (2, 0)");
            a.setAutoCommit(false);
            sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 2");
            sa.execute(on);
            assertTrue(a.getAutoCommit(), on);
            sa.executeUpdate("UPDATE t SET v = 1 WHERE id = 1");
            sa.execute(off);
            assertFalse(a.getAutoCommit(), off);
            sa.executeUpdate("UPDATE t SET v = 3 WHERE id = 2");
            a.rollback(); // H2 left to commit by itself would have committed this, unlogged

            Await.caughtUp(cluster, Duration.ofSeconds(30));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
            try (ResultSet rs = sa.executeQuery("SELECT SUM(v) FROM t")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "the rolled-back update is undone");
            }
        }
    }

    private static int count(String h2Url) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
