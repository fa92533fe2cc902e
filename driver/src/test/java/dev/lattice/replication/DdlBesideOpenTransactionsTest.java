package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.H2ServerProcess;
import dev.lattice.testing.NodeChecksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replicas converge when DDL on a table meets a transaction that has written that table and not yet
 * committed, on an embedded primary and on a primary in another process (whose changes are captured
 * in {@code LATTICE.CAPTURED} inside the transaction): the DDL waits for the transaction at the schema
 * gate, and runs after its commit or rollback. H2 2.5 itself makes such DDL wait for the table's lock,
 * so an overlap cannot rebuild the table without the writer's change; without the gate the DDL waits
 * for that lock while holding the commit order, the writer cannot commit, and the DDL fails on H2's
 * lock timeout (the gate's part is that these statements complete).
 */
class DdlBesideOpenTransactionsTest {

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

    @ParameterizedTest(name = "{0} primary: {1}")
    @CsvSource(delimiter = '|', value = {
            "remote   | ALTER TABLE account ADD COLUMN extra INT DEFAULT 7",
            "remote   | ALTER TABLE account DROP COLUMN note",
            "remote   | ALTER TABLE account ALTER COLUMN balance SET DATA TYPE DECIMAL(20, 2)",
            "remote   | CREATE INDEX account_balance ON account(balance)",
            "embedded | ALTER TABLE account ADD COLUMN extra INT DEFAULT 7",
            "embedded | ALTER TABLE account DROP COLUMN note",
            "embedded | ALTER TABLE account ALTER COLUMN balance SET DATA TYPE DECIMAL(20, 2)",
            "embedded | CREATE INDEX account_balance ON account(balance)",
    })
    void ddlWaitsForTheOpenTransactionThatWroteItsTable(String primary, String ddl) throws Exception {
        withCluster(primary, (url, cluster) -> {
            try (Connection writer = DriverManager.getConnection(url); Connection migrator = DriverManager.getConnection(url);
                 Statement w = writer.createStatement()) {
                writer.setAutoCommit(false);
                w.executeUpdate("UPDATE account SET balance = balance + 5, note = 'moved' WHERE id = 1");
                w.executeUpdate("INSERT INTO account VALUES (100, 42, 'new', NOW())");
                w.executeUpdate("DELETE FROM account WHERE id = 2");
                Savepoint sp = writer.setSavepoint();
                w.executeUpdate("UPDATE account SET balance = -1 WHERE id = 3");
                writer.rollback(sp);

                CompletableFuture<Void> schemaChange = runAsync(migrator, ddl);
                assertStillWaiting(schemaChange);
                w.executeUpdate("UPDATE account SET balance = balance * 2 WHERE id IN (1, 4)");
                writer.commit();
                schemaChange.get(30, TimeUnit.SECONDS);

                w.executeUpdate("UPDATE account SET balance = balance + 1 WHERE id < 10");
                writer.commit();
                assertConverged(cluster);
            }
        });
    }

    @ParameterizedTest(name = "{0} primary")
    @CsvSource({"remote", "embedded"})
    void aRolledBackTransactionLeavesNothingBehindForTheDdlThatWaitedForIt(String primary) throws Exception {
        withCluster(primary, (url, cluster) -> {
            try (Connection writer = DriverManager.getConnection(url); Connection migrator = DriverManager.getConnection(url);
                 Statement w = writer.createStatement()) {
                writer.setAutoCommit(false);
                w.executeUpdate("UPDATE account SET balance = 0 WHERE id = 1");
                w.executeUpdate("INSERT INTO account VALUES (100, 42, 'new', NOW())");
                CompletableFuture<Void> schemaChange = runAsync(migrator, "ALTER TABLE account ADD COLUMN extra INT DEFAULT 7");
                assertStillWaiting(schemaChange);
                writer.rollback();
                schemaChange.get(30, TimeUnit.SECONDS);
                w.executeUpdate("UPDATE account SET extra = 8 WHERE id = 5");
                writer.commit();
                assertConverged(cluster);
            }
        });
    }

    @ParameterizedTest(name = "{0} primary")
    @CsvSource({"remote", "embedded"})
    void aTransactionThatWritesTheTableOnlyAfterTheDdlRanConverges(String primary) throws Exception {
        withCluster(primary, (url, cluster) -> {
            try (Connection writer = DriverManager.getConnection(url); Connection migrator = DriverManager.getConnection(url);
                 Statement w = writer.createStatement(); Statement m = migrator.createStatement()) {
                writer.setAutoCommit(false);
                w.executeUpdate("INSERT INTO event(account_id, amount) VALUES (1, 10)");
                m.execute("ALTER TABLE account ADD COLUMN extra INT DEFAULT 7"); // another table: it does not wait
                w.executeUpdate("UPDATE account SET balance = balance + 5, extra = 9 WHERE id = 1");
                writer.commit();
                assertConverged(cluster);
            }
        });
    }

    @ParameterizedTest(name = "{0} primary")
    @CsvSource({"remote", "embedded"})
    void ddlInTheWritersOwnTransactionCommitsItsChangesFirst(String primary) throws Exception {
        withCluster(primary, (url, cluster) -> {
            try (Connection writer = DriverManager.getConnection(url); Statement w = writer.createStatement()) {
                writer.setAutoCommit(false);
                w.executeUpdate("UPDATE account SET balance = balance + 5 WHERE id = 1");
                w.executeUpdate("INSERT INTO account VALUES (100, 42, 'new', NOW())");
                w.execute("ALTER TABLE account ADD COLUMN extra INT DEFAULT 7");
                w.executeUpdate("UPDATE account SET extra = 8 WHERE id = 100");
                writer.commit();
                assertConverged(cluster);
            }
        });
    }

    private interface ClusterWork {
        void run(String url, Cluster cluster) throws Exception;
    }

    private static void withCluster(String primary, ClusterWork work) throws Exception {
        try (H2ServerProcess.ClusterUrl nodes = server.cluster(primary, "ddl-beside", 2, "&lockTimeout=5000")) {
            String url = nodes.url();
            Cluster cluster;
            try (Connection setup = DriverManager.getConnection(url); Statement s = setup.createStatement()) {
                cluster = setup.unwrap(LatticeConnection.class).cluster();
                s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(100), updated TIMESTAMP)");
                s.execute("CREATE TABLE event(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, account_id INT, amount DOUBLE)");
                s.execute("INSERT INTO account SELECT X, 1000 + X, NULL, NOW() FROM SYSTEM_RANGE(1, 20)");
            }
            Await.caughtUp(cluster, Duration.ofSeconds(30)); // the replicas' first snapshot is behind them
            work.run(url, cluster);
        }
    }

    private static CompletableFuture<Void> runAsync(Connection c, String sql) {
        return CompletableFuture.runAsync(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The DDL has not run while the writer's transaction is open (it would have returned by now). */
    private static void assertStillWaiting(CompletableFuture<Void> ddl) throws Exception {
        try {
            ddl.get(500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            return;
        }
        assertFalse(ddl.isDone(), "DDL ran while a transaction that wrote its table was open");
    }

    private static void assertConverged(Cluster cluster) throws SQLException {
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        NodeChecksum.assertReplicasMatchPrimary(cluster, "");
    }
}
