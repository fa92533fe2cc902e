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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code applyChunk}, an applier commits a backlog on its replica in commits of at most that
 * many transactions (letting other threads run between them), and the replica ends exactly as the
 * primary; without it, the same backlog goes in whole batches.
 */
class ApplyChunkTest {

    private static final int TRANSACTIONS = 200;

    @Test
    void aBacklogIsCommittedInChunksOfAtMostApplyChunk() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:chunk-8?replicas=1&applyChunk=8")) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            createTable(c); // and the replica has connected (its first snapshot is a rebuild too)
            Map<RebuildCause, Long> rebuilds = replica.applier().rebuildsByCause();
            long commits = backlogApplied(c, replica);
            assertTrue(commits >= TRANSACTIONS / 8, TRANSACTIONS + " transactions in " + commits + " commits");
            assertEquals(rebuilds, replica.applier().rebuildsByCause(), "applied from the log, not rebuilt");
            assertEquals(TRANSACTIONS, count(replica));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @Test
    void withoutApplyChunkTheSameBacklogGoesInWholeBatches() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:chunk-off?replicas=1")) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            createTable(c);
            long commits = backlogApplied(c, replica);
            assertTrue(commits <= 2, TRANSACTIONS + " transactions in " + commits + " commits");
            assertEquals(TRANSACTIONS, count(replica));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    private static void createTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(40))");
        }
        Await.caughtUp(c.unwrap(LatticeConnection.class).cluster(), Duration.ofSeconds(30));
    }

    /** Pauses the replica, commits TRANSACTIONS inserts, resumes it; returns the replica commits that applied them. */
    private static long backlogApplied(Connection c, Replica replica) throws SQLException {
        Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
        replica.applier().setPaused(true);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO item VALUES (?, ?)")) {
            for (int i = 0; i < TRANSACTIONS; i++) {
                insert.setInt(1, i);
                insert.setString(2, "item " + i);
                insert.executeUpdate();
            }
        }
        long before = replica.applier().replicaCommits();
        replica.applier().setPaused(false);
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        return replica.applier().replicaCommits() - before;
    }

    private static int count(Replica replica) throws SQLException {
        try (Connection r = replica.node().connectDirect(); Statement s = r.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
