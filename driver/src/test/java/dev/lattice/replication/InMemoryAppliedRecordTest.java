package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An in-memory replica commits its row batches without writing LATTICE.APPLIED: the applier's
 * own applied LSN is its record while connected. When the applier loses its connection and
 * connects again, it goes on from what it applied, not from the older record, so no transaction
 * is applied twice and the replica is not rebuilt.
 */
class InMemoryAppliedRecordTest {

    @Test
    void aReconnectAfterTheSessionsWereAbortedGoesOnFromWhatWasAppliedWithoutARebuild() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:record-reconnect?replicas=1")) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            Map<RebuildCause, Long> before = abortAfterInserts(c);
            assertEquals(before, replica.applier().rebuildsByCause(), "went on from its applied LSN");
            assertEquals(400, count(replica), "each insert applied exactly once");
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @Test
    void trustingTheOlderRecordOnReconnectingAppliesTransactionsTwice() throws Exception {
        ReplicaApplier.catchesUpRecord = false;
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:record-stale?replicas=1")) {
            Replica replica = c.unwrap(LatticeConnection.class).cluster().h2().replicas().get(0);
            abortAfterInserts(c);
            // it went back to the record: the log still held the inserts after it, applied them again
            // and found their keys taken, or had let them go (the replica had applied them): rebuilt
            assertTrue(replica.applier().rebuilds(RebuildCause.DIVERGED)
                            + replica.applier().rebuilds(RebuildCause.LOG_TRUNCATED) > 0,
                    "rebuilds " + replica.applier().rebuildsByCause());
        } finally {
            ReplicaApplier.catchesUpRecord = true;
        }
    }

    @Test
    void stoppingWritesTheRecordSoAStartGoesOnFromIt() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:record-stop?replicas=1");
             Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            s.execute("CREATE TABLE audit(id INT PRIMARY KEY, n INT)");
            insert(c, 0, 100);
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            Map<RebuildCause, Long> before = replica.applier().rebuildsByCause();
            replica.applier().stop();
            assertEquals(replica.applied(), record(replica), "written on stopping");
            replica.applier().start();
            insert(c, 100, 200);
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            assertEquals(before, replica.applier().rebuildsByCause());
            assertEquals(200, count(replica));
        }
    }

    /**
     * 200 inserts, the replica's sessions aborted behind Lattice's back, 200 more; caught up.
     * Returns the replica's rebuilds before the abort.
     */
    private static Map<RebuildCause, Long> abortAfterInserts(Connection c) throws Exception {
        Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
        Replica replica = cluster.h2().replicas().get(0);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit(id INT PRIMARY KEY, n INT)");
        }
        // the replica's first connect (a snapshot) comes before the inserts, so batches apply them
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        insert(c, 0, 200);
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        long applied = replica.applied();
        assertTrue(record(replica) < applied, "the batches committed without the record: " + record(replica)
                + " against " + applied);
        Map<RebuildCause, Long> before = replica.applier().rebuildsByCause();
        abortOtherSessions(replica);
        insert(c, 200, 400);
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        return before;
    }

    private static void insert(Connection c, int from, int to) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO audit VALUES (?, ?)")) {
            for (int i = from; i < to; i++) {
                p.setInt(1, i);
                p.setInt(2, i);
                p.executeUpdate();
            }
        }
    }

    /** Closes every session of the replica's database but this one's, the applier's among them. */
    private static void abortOtherSessions(Replica replica) throws SQLException {
        try (Connection direct = DriverManager.getConnection(replica.node().url(), "sa", "");
             Statement s = direct.createStatement()) {
            List<Integer> others = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS "
                    + "WHERE SESSION_ID <> SESSION_ID()")) {
                while (rs.next()) {
                    others.add(rs.getInt(1));
                }
            }
            assertNotEquals(List.of(), others);
            for (int id : others) {
                s.execute("CALL ABORT_SESSION(" + id + ")");
            }
        }
    }

    private static long record(Replica replica) throws SQLException {
        return query(replica, "SELECT LSN FROM LATTICE.APPLIED WHERE ID = 1");
    }

    private static long count(Replica replica) throws SQLException {
        return query(replica, "SELECT COUNT(*) FROM audit");
    }

    private static long query(Replica replica, String sql) throws SQLException {
        try (Connection direct = DriverManager.getConnection(replica.node().url(), "sa", "");
             Statement s = direct.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
