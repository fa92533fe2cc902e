package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * DDL waits only for open transactions that write its tables; statements Lattice cannot read are
 * replicated by their rows unless they changed the schema, which makes replicas resynchronise.
 */
class SchemaChangeTest {

    @Test
    void ddlOnOtherTablesGoesOnWhileATransactionHoldsAnotherTableAsFlywayDoes() throws Exception {
        String url = "jdbc:lattice:mem:gate-" + System.nanoTime() + "?replicas=2&lockTimeout=2000";
        try (Connection history = DriverManager.getConnection(url); Connection migrate = DriverManager.getConnection(url);
             Statement h = history.createStatement(); Statement m = migrate.createStatement()) {
            Cluster cluster = history.unwrap(LatticeConnection.class).cluster();
            h.execute("CREATE TABLE schema_history(id INT PRIMARY KEY, script VARCHAR(100))");
            history.setAutoCommit(false);
            h.executeUpdate("INSERT INTO schema_history VALUES (1, 'V1__customer.sql')");
            m.execute("CREATE TABLE customer(id INT PRIMARY KEY, name VARCHAR(50))");
            m.executeUpdate("INSERT INTO customer VALUES (1, 'ada')");

            CompletableFuture<Void> alter = CompletableFuture.runAsync(() -> {
                try {
                    m.execute("ALTER TABLE schema_history ADD COLUMN checksum INT");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            history.commit();
            alter.get();

            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @Test
    void statementsLatticeCannotReadResynchroniseReplicasOnlyWhenTheyChangeTheSchema() throws Exception {
        String url = "jdbc:lattice:mem:resync-" + System.nanoTime() + "?replicas=2";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            long rebuilds = rebuilds(cluster);

            s.execute("CALL SCHEMA()");
            s.execute("MERGE INTO t KEY(id) VALUES (1)");
            // SET moves H2's database-wide schema counter, and DDL words stand in a long literal:
            // neither makes a statement Lattice cannot read count as a schema change
            String words = "CREATE TABLE x; DROP TABLE t; ".repeat(5_000);
            s.execute("SET @x = 1; UPDATE t SET id = id WHERE id = 1 AND '" + words + "' <> ''");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            assertEquals(rebuilds, rebuilds(cluster), "no schema change, no resynchronisation");

            s.execute("INSERT INTO t VALUES (2); CREATE TABLE u(id INT PRIMARY KEY); INSERT INTO u VALUES (7)");
            s.executeUpdate("INSERT INTO u VALUES (8)");
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            assertTrue(rebuilds(cluster) >= rebuilds + cluster.h2().replicas().size(), "each replica resynchronised");
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @Test
    void createTableAsSelectCopiesItsRowsToReplicasInsteadOfComputingThemAgain() throws Exception {
        String url = "jdbc:lattice:mem:ctas-" + System.nanoTime() + "?replicas=2";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            // Flyway's H2 history table is made this way, with installed_on DEFAULT CURRENT_TIMESTAMP
            s.execute("CREATE TABLE r(id INT PRIMARY KEY, v DOUBLE, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP) "
                    + "AS SELECT X, RAND(), CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, 50)");
            s.execute("CREATE TABLE e AS SELECT * FROM r WITH NO DATA");
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "(rows of RAND() and NOW() as the primary made them)");
        }
    }

    @Test
    void addingAColumnWhoseDefaultIsComputedPerRowCopiesTheValuesToReplicas() throws Exception {
        String url = "jdbc:lattice:mem:add-default-" + System.nanoTime() + "?replicas=2";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
            s.execute("INSERT INTO t SELECT X, X FROM SYSTEM_RANGE(1, 20)");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            long rebuilds = rebuilds(cluster);

            s.execute("ALTER TABLE t ADD COLUMN fixed INT DEFAULT 7 NOT NULL");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            assertEquals(rebuilds, rebuilds(cluster), "a literal default is the same everywhere: the DDL is replayed");

            // H2 fills the existing rows with the default, computed once per row; a replica replaying
            // the text would compute values of its own
            s.execute("ALTER TABLE t ADD COLUMN at TIMESTAMP(9) DEFAULT NOW(9)");
            s.execute("ALTER TABLE t ADD (tag UUID DEFAULT RANDOM_UUID(), r DOUBLE DEFAULT RAND())");
            s.executeUpdate("UPDATE t SET v = v + 1 WHERE id < 5");
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            var primary = NodeChecksum.of(cluster.primary().url());
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(primary, NodeChecksum.of(r.node().url()), "the values the primary computed");
            }
            assertTrue(rebuilds(cluster) >= rebuilds + cluster.h2().replicas().size(), "each replica copied the rows");
        }
    }

    private static long rebuilds(Cluster cluster) {
        return cluster.h2().replicas().stream().mapToLong(r -> r.applier().rebuilds()).sum();
    }
}
