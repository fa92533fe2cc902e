package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Replicas apply many transactions in one H2 commit when they arrive faster than one commit per
 * transaction, and sessions that need a transaction on a replica apply it themselves. Neither
 * may show a reader part of a transaction, nor publish an applied LSN before the data it counts.
 */
class GroupApplyTest {

    private static final int WRITERS = 3;
    private static final int TRANSACTIONS = 1500;

    @Test
    void aReplicaNeverShowsPartOfATransactionNorDataOlderThanItsPublishedAppliedLsn() throws Exception {
        String url = "jdbc:lattice:mem:group-" + System.nanoTime() + "?replicas=2&consistency=EVENTUAL";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE pair(id INT PRIMARY KEY, n BIGINT NOT NULL)");
            s.executeUpdate("INSERT INTO pair VALUES (1, 0), (2, 0)");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            long base = cluster.committedLsn(); // from here on, LSN base + k is the k-th increment

            AtomicBoolean writing = new AtomicBoolean(true);
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(CompletableFuture.runAsync(() -> increments(url, TRANSACTIONS)));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new))
                    .whenComplete((v, e) -> writing.set(false));
            List<String> violations = new ArrayList<>();
            int reads = 0;
            List<Replica> replicas = cluster.h2().replicas();
            List<Connection> direct = new ArrayList<>();
            for (Replica r : replicas) {
                Connection d = r.node().connectDirect();
                d.setAutoCommit(true);
                d.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                direct.add(d);
            }
            try {
                while (writing.get() || reads < 100) {
                    for (int i = 0; i < replicas.size(); i++) {
                        Replica r = replicas.get(i);
                        long published = r.applied();
                        long[] n = read(direct.get(i));
                        long upper = r.appliedUpperBound();
                        reads++;
                        if (n[0] != n[1]) {
                            violations.add(r.node().name() + " showed half a transaction: " + n[0] + " / " + n[1]);
                        }
                        if (n[0] < published - base) {
                            violations.add(r.node().name() + " published LSN " + published + " with only "
                                    + n[0] + " increments visible (base " + base + ")");
                        }
                        if (n[0] > upper - base) {
                            violations.add(r.node().name() + " showed " + n[0] + " increments, past its upper bound "
                                    + upper + " (base " + base + ")");
                        }
                    }
                }
            } finally {
                for (Connection d : direct) {
                    d.close();
                }
            }
            all.get();
            assertTrue(violations.isEmpty(), violations.size() + " violations, first: "
                    + (violations.isEmpty() ? "" : violations.get(0)));

            Await.caughtUp(cluster, Duration.ofSeconds(30));
            assertEquals(base + (long) WRITERS * TRANSACTIONS, cluster.committedLsn());
            var primary = NodeChecksum.of(cluster.primary().url());
            for (Replica r : replicas) {
                assertEquals(primary, NodeChecksum.of(r.node().url()), r.node().name() + " converged");
            }
        }
    }

    @Test
    void aCausalReadAfterTheSessionsOwnWriteIsServedByAReplicaWithIt() throws Exception {
        String url = "jdbc:lattice:mem:helped-" + System.nanoTime() + "?replicas=2&consistency=CAUSAL";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, n INT)");
            s.executeUpdate("INSERT INTO t VALUES (1, 0)");
            // replicas that are still being built at start cannot be helped: the test begins once they apply
            Await.caughtUp(c.unwrap(dev.lattice.jdbc.LatticeConnection.class).cluster(), Duration.ofSeconds(30));
            // no primary: every read is served by a replica that has the session's write (helped or
            // waited for; how often it waits is a figure of the bench, not of a test)
            s.execute("SET CONSISTENCY TIMEOUT 10000");
            s.execute("SET CONSISTENCY FALLBACK ERROR");
            long replicaReadsBefore = stat(s, "REPLICA_READS");
            try (PreparedStatement update = c.prepareStatement("UPDATE t SET n = ? WHERE id = 1");
                 PreparedStatement select = c.prepareStatement("SELECT n FROM t WHERE id = 1")) {
                for (int i = 1; i <= 300; i++) {
                    update.setInt(1, i);
                    update.executeUpdate();
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        assertEquals(i, rs.getInt(1), "the session's own write");
                    }
                }
            }
            assertEquals(0, stat(s, "ERRORS"));
            assertTrue(stat(s, "REPLICA_READS") - replicaReadsBefore >= 300, "every read was served by a replica");
        }
    }

    @Test
    void anUpdateOfSomeColumnsLeavesEveryReplicaEqualToThePrimary() throws Exception {
        String url = "jdbc:lattice:mem:partial-" + System.nanoTime() + "?replicas=2";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE wide(id INT PRIMARY KEY, a VARCHAR(10), b BIGINT, c INT, d DECIMAL(10, 2), e VARBINARY(4))");
            s.execute("CREATE TABLE stamped(id INT PRIMARY KEY, v INT, seen TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
            s.executeUpdate("INSERT INTO wide VALUES (1, 'a', 1, 1, 1.00, X'01'), (2, 'b', 2, 2, 2.00, X'02')");
            s.executeUpdate("INSERT INTO stamped VALUES (1, 0, NULL)");
            s.executeUpdate("UPDATE wide SET b = 10 WHERE id = 1");
            s.executeUpdate("UPDATE wide SET a = 'x', e = X'FF' WHERE id = 2");
            s.executeUpdate("UPDATE wide SET c = c WHERE id = 1"); // changes nothing
            s.executeUpdate("UPDATE wide SET d = 1.50, b = b + 1");
            s.executeUpdate("UPDATE wide SET id = 3, a = NULL WHERE id = 1"); // the key itself
            s.executeUpdate("UPDATE stamped SET v = 1 WHERE id = 1");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            var primary = NodeChecksum.of(cluster.primary().url());
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(primary, NodeChecksum.of(r.node().url()), r.node().name() + " converged");
            }
        }
    }

    private static void increments(String url, int transactions) {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement one = c.prepareStatement("UPDATE pair SET n = n + 1 WHERE id = 1");
             PreparedStatement two = c.prepareStatement("UPDATE pair SET n = n + 1 WHERE id = 2")) {
            c.setAutoCommit(false);
            for (int i = 0; i < transactions; i++) {
                one.executeUpdate();
                two.executeUpdate();
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Both rows in one statement: one snapshot of the replica. */
    private static long[] read(Connection replica) throws SQLException {
        try (Statement s = replica.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT n FROM pair WHERE id = 1), (SELECT n FROM pair WHERE id = 2)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static long stat(Statement s, String column) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                if (rs.getString("LEVEL").equals("CAUSAL")) {
                    return rs.getLong(column);
                }
            }
        }
        throw new AssertionError("no SHOW STATS row for CAUSAL");
    }
}
