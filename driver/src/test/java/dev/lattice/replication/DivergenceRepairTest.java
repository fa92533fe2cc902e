package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A replica whose rows no longer match the primary's (changed behind Lattice's back, or by a bug),
 * or that cannot apply a change row by row, is rebuilt from a snapshot at the first logged change
 * that does not fit, instead of going on serving what it lost (an UPDATE that found no row) or
 * failing for good (a key conflict).
 */
class DivergenceRepairTest {

    private static Cluster start(Statement s) throws SQLException {
        s.execute("CREATE TABLE t(id INT PRIMARY KEY, v INT)");
        s.execute("INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
        Cluster cluster = s.getConnection().unwrap(LatticeConnection.class).cluster();
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        return cluster;
    }

    private static void behindLatticesBack(Replica replica, String sql) throws SQLException {
        try (Connection direct = DriverManager.getConnection(replica.node().url(), "sa", "");
             Statement s = direct.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** The first replica loses row 2 behind Lattice's back, then Lattice updates that row; all catch up. */
    private static Replica loseARowThenUpdateIt(Cluster cluster, Statement s) throws SQLException {
        Replica lost = cluster.h2().replicas().get(0);
        behindLatticesBack(lost, "DELETE FROM t WHERE id = 2");
        s.executeUpdate("UPDATE t SET v = 21 WHERE id = 2");
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        return lost;
    }

    @Test
    void anUpdateOfARowTheReplicaLostRebuildsIt() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:diverged-update?replicas=2");
             Statement s = c.createStatement()) {
            Cluster cluster = start(s);
            Replica lost = loseARowThenUpdateIt(cluster, s);
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(lost.node().url()));
            assertEquals(1, lost.applier().rebuilds(RebuildCause.DIVERGED));
            assertEquals(0, cluster.h2().replicas().get(1).applier().rebuilds(RebuildCause.DIVERGED));
        }
    }

    @Test
    void withoutTheCheckTheReplicaKeepsServingWhatItLost() throws Exception {
        TableShape.checksRows = false;
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:diverged-unchecked?replicas=2");
             Statement s = c.createStatement()) {
            Cluster cluster = start(s);
            Replica lost = loseARowThenUpdateIt(cluster, s);
            assertNotEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(lost.node().url()),
                    "the UPDATE found no row and the replica went on without it");
            assertEquals(0, lost.applier().rebuilds(RebuildCause.DIVERGED));
        } finally {
            TableShape.checksRows = true;
        }
    }

    @Test
    void aTableWhoseColumnsChangedBehindLatticesBackRebuildsTheReplica() throws Exception {
        assertRebuiltOnceAfter("diverged-columns", 0, "ALTER TABLE t ADD COLUMN extra INT", "UPDATE t SET v = 11 WHERE id = 1");
    }

    @Test
    void aKeyConflictOnTheReplicaRebuildsItInsteadOfFailingForGood() throws Exception {
        assertRebuiltOnceAfter("diverged-insert", 1, "INSERT INTO t VALUES (4, 99)", "INSERT INTO t VALUES (4, 40)");
    }

    /** One replica is changed behind Lattice's back, then Lattice writes: that replica is rebuilt once, and matches. */
    private static void assertRebuiltOnceAfter(String db, int replica, String behindTheBack, String write)
            throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:" + db + "?replicas=2");
             Statement s = c.createStatement()) {
            Cluster cluster = start(s);
            Replica changed = cluster.h2().replicas().get(replica);
            behindLatticesBack(changed, behindTheBack);
            s.executeUpdate(write);
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(changed.node().url()));
            assertEquals(1, changed.applier().rebuilds(RebuildCause.DIVERGED));
        }
    }

    /**
     * A key shift the primary accepts as one statement meets, row by row on a replica, a unique
     * conflict in passing: before, every replica failed on it for good; now each is rebuilt (a
     * known cost, README "Known limits").
     */
    @Test
    void aKeyShiftThatConflictsRowByRowOnTheReplicasConvergesThroughARebuild() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:key-shift?replicas=2");
             Statement s = c.createStatement()) {
            Cluster cluster = start(s);
            s.executeUpdate("UPDATE t SET id = id + 1");
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(NodeChecksum.of(cluster.primary().url()), NodeChecksum.of(r.node().url()), r.node().name());
                assertEquals(1, r.applier().rebuilds(RebuildCause.DIVERGED), r.node().name());
            }
        }
    }
}
