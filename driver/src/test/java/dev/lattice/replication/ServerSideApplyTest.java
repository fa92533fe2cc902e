package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.FreePort;
import dev.lattice.testing.H2ServerMain;
import dev.lattice.testing.NodeChecksum;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that is an H2 server in another process: with the Lattice classes on its classpath its
 * server applies each transaction below SQL, so a table's own triggers do not run again there;
 * without them the applier uses SQL, and refuses a table with triggers rather than diverge.
 */
class ServerSideApplyTest {

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        TableShape.refusesTriggers = true;
        ServerSideApply.sentFormat = 1;
        ServerSideApply.tries = true;
    }

    @Test
    void aServerWithLatticesClassesAppliesTransactionsWithoutRunningTriggersAgain() throws Exception {
        try (ChildJvm server = server(latticeClasspath())) {
            String url = cluster();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                writeAuditedItems(cluster, s);
                Await.caughtUp(cluster, Duration.ofSeconds(30));
                NodeChecksum.assertReplicasMatchPrimary(cluster, "after audited inserts, an update and a delete");
                assertEquals(3, count(replica(cluster), "SELECT COUNT(*) FROM audit"),
                        "the audit rows the primary's trigger made, once");
                assertEquals(1, count(replica(cluster), "SELECT COUNT(*) FROM INFORMATION_SCHEMA.ROUTINES "
                        + "WHERE ROUTINE_SCHEMA = 'LATTICE' AND ROUTINE_NAME = 'APPLY_ROWS'"), "applied by its server");
                ReplicaApplier applier = cluster.h2().replicas().get(0).applier();
                assertEquals(0, applier.rebuilds(RebuildCause.DIVERGED));

                // a row lost behind Lattice's back: the server's "diverged" reaches the applier, which rebuilds
                try (Connection r = DriverManager.getConnection(replica(cluster), "sa", "");
                     Statement rs = r.createStatement()) {
                    rs.executeUpdate("DELETE FROM item WHERE id = 1");
                }
                s.executeUpdate("UPDATE item SET name = 'y' WHERE id = 1");
                Await.caughtUp(cluster, Duration.ofSeconds(30));
                assertEquals(1, applier.rebuilds(RebuildCause.DIVERGED));
                NodeChecksum.assertReplicasMatchPrimary(cluster, "after the rebuild");
            } finally {
                ClusterRegistry.shutdown(registryKey(url));
            }
        }
    }

    @Test
    void aServerAppliesWithSqlATableDirectApplyCannotWrite() throws Exception {
        try (ChildJvm server = server(latticeClasspath())) {
            String url = cluster();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                s.execute("CREATE TABLE blob_bag(id INT PRIMARY KEY, bag JAVA_OBJECT, note VARCHAR(10))");
                Await.caughtUp(cluster, Duration.ofSeconds(30));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_bag VALUES (?, ?, ?)")) {
                    for (int i = 1; i <= 3; i++) {
                        ps.setInt(1, i);
                        ps.setObject(2, new java.util.ArrayList<>(java.util.List.of("item", i)));
                        ps.setString(3, "n" + i);
                        ps.executeUpdate();
                    }
                }
                s.executeUpdate("UPDATE blob_bag SET note = 'changed' WHERE id = 2");
                s.executeUpdate("DELETE FROM blob_bag WHERE id = 3");
                Await.caughtUp(cluster, Duration.ofSeconds(30));
                NodeChecksum.assertReplicasMatchPrimary(cluster, "after writes to a JAVA_OBJECT table");
                assertEquals(2, count(replica(cluster), "SELECT COUNT(*) FROM blob_bag"));
            } finally {
                ClusterRegistry.shutdown(registryKey(url));
            }
        }
    }

    @Test
    void aServerWithoutThemStopsAtATableWithTriggersWhereSqlWouldRunThemAgain() throws Exception {
        try (ChildJvm server = server(plainClasspath())) {
            String url = cluster();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                writeAuditedItems(cluster, s);
                ReplicaApplier applier = cluster.h2().replicas().get(0).applier();
                Await.until("the replica to refuse the audited table", Duration.ofSeconds(30),
                        () -> applier.state() == ReplicaState.FAILED && String.valueOf(applier.lastError()).contains("triggers"));
                assertTrue(applier.lastError().contains("ITEM_AUDIT"), applier.lastError());
                assertEquals(0, count(replica(cluster), "SELECT COUNT(*) FROM audit"), "nothing applied twice");
                assertTrue(applier.applied() < cluster.committedLsn(), "it serves no level that bounds staleness");
            } finally {
                ClusterRegistry.shutdown(registryKey(url));
            }

            TableShape.refusesTriggers = false; // the anomaly the refusal prevents
            String unchecked = cluster();
            try (Connection c = DriverManager.getConnection(unchecked); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                writeAuditedItems(cluster, s);
                Await.caughtUp(cluster, Duration.ofSeconds(30));
                assertEquals(3, count(cluster.primary().url(), "SELECT COUNT(*) FROM audit"));
                assertEquals(6, count(replica(cluster), "SELECT COUNT(*) FROM audit"),
                        "each audit row twice: the primary's from the log, and the replica's trigger's own");
            } finally {
                ClusterRegistry.shutdown(registryKey(unchecked));
            }
        }
    }

    @Test
    void aServerRefusesTransactionsInAFormItDoesNotRead() throws Exception {
        ByteBuffer other = ByteBuffer.allocate(8).putInt(2).putInt(0);
        try (Connection server = DriverManager.getConnection("jdbc:h2:mem:ssa-format")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> ServerSideApply.applyRows(server, other.array()));
            assertEquals("XX000", e.getSQLState());
            assertTrue(e.getMessage().contains("not the applier's version"), e.getMessage());
        }
    }

    /**
     * The server's Lattice jar reads another form of call than this applier's (a server not upgraded
     * with the application): the trial call finds it when the applier connects, and the replica is
     * applied with SQL, as without the jar. Without the trial, every batch's call failed and the
     * replica stopped FAILED.
     */
    @Test
    void aServerWithAnotherVersionsClassesIsAppliedWithSql() throws Exception {
        ServerSideApply.sentFormat = 2; // this applier plays another version than the server's classes
        try (ChildJvm server = server(latticeClasspath())) {
            String url = cluster();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                writePlainItems(cluster, s);
                Await.caughtUp(cluster, Duration.ofSeconds(30));
                NodeChecksum.assertReplicasMatchPrimary(cluster, "applied with SQL");

                writeAuditedItems(cluster, s); // with SQL, a table with triggers is refused, as without the jar
                ReplicaApplier applier = cluster.h2().replicas().get(0).applier();
                Await.until("the replica to refuse the audited table", Duration.ofSeconds(30),
                        () -> applier.state() == ReplicaState.FAILED && String.valueOf(applier.lastError()).contains("triggers"));
            } finally {
                ClusterRegistry.shutdown(registryKey(url));
            }

            ServerSideApply.tries = false; // what the trial prevents
            String untried = cluster();
            try (Connection c = DriverManager.getConnection(untried); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                writePlainItems(cluster, s);
                ReplicaApplier applier = cluster.h2().replicas().get(0).applier();
                Await.until("the replica to fail on the server's refusal", Duration.ofSeconds(30),
                        () -> applier.state() == ReplicaState.FAILED
                                && String.valueOf(applier.lastError()).contains("not the applier's version"));
                assertTrue(applier.applied() < cluster.committedLsn(), "the plain rows never reach the replica");
            } finally {
                ClusterRegistry.shutdown(registryKey(untried));
            }
        }
    }

    /** Two inserts and an update, once the replica has the table (no snapshot brings rows). */
    private static void writePlainItems(Cluster cluster, Statement s) throws SQLException {
        s.execute("CREATE TABLE plain(id INT PRIMARY KEY, v VARCHAR(10))");
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        s.executeUpdate("INSERT INTO plain VALUES (1, 'a'), (2, 'b')");
        s.executeUpdate("UPDATE plain SET v = 'z' WHERE id = 2");
    }

    /** Three audited inserts, an update and a delete, once the replica has the schema (no snapshot brings rows). */
    private static void writeAuditedItems(Cluster cluster, Statement s) throws SQLException {
        s.execute("CREATE TABLE audit(item INT, what VARCHAR(10))");
        s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(10))");
        s.execute("CREATE TRIGGER item_audit AFTER INSERT ON item FOR EACH ROW CALL \"" + DirectApplyTest.AuditTrigger.class.getName() + "\"");
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        s.executeUpdate("INSERT INTO item VALUES (1, 'a')");
        s.executeUpdate("INSERT INTO item VALUES (2, 'b'), (3, 'c')");
        s.executeUpdate("UPDATE item SET name = 'z' WHERE id = 2");
        s.executeUpdate("DELETE FROM item WHERE id = 3");
    }

    private int databases;
    private int port;

    /** A new cluster: an embedded primary and one replica on the server. */
    private String cluster() {
        int n = ++databases;
        return "jdbc:lattice:nodes?primary=jdbc:h2:mem:ssa-" + n + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"
                + "&replica=jdbc:h2:tcp://localhost:" + port + "/r" + n;
    }

    private static String registryKey(String url) {
        return "NODES:" + url.substring(url.indexOf("primary=") + 8, url.indexOf('&'));
    }

    private ChildJvm server(String classpath) throws Exception {
        port = FreePort.find();
        ChildJvm server = ChildJvm.startWithClasspath(classpath, H2ServerMain.class, String.valueOf(port), dir.toString());
        try {
            server.awaitLine("LISTENING", Duration.ofSeconds(60));
        } catch (AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** H2, the test classes and the driver's classes, and nothing else: what a user's replica server needs. */
    private static String latticeClasspath() throws URISyntaxException {
        return plainClasspath() + File.pathSeparator + location(ServerSideApply.class);
    }

    /** H2 and the test classes (the server's main and the trigger), without the driver's classes. */
    private static String plainClasspath() throws URISyntaxException {
        return location(org.h2.Driver.class) + File.pathSeparator + location(H2ServerMain.class);
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String replica(Cluster cluster) {
        return cluster.h2().replicas().get(0).node().url();
    }

    private static long count(String h2Url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
