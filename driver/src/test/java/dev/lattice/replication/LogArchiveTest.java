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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A replica that was paused while more transactions committed than the log's ring holds catches
 * up from the encoded archive, without a rebuild, to the primary's exact data (values of many
 * types, inserts, updates and deletes, DDL in between). Without the archive the same replica
 * needs entries the log no longer has and is rebuilt from a snapshot.
 */
class LogArchiveTest {

    private static final int TRANSACTIONS = TransactionLog.RING + 3000;

    @Test
    void aReplicaFarBehindTheRingCatchesUpFromTheArchiveWithoutARebuild() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:archive-catch-up?replicas=1")) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            Map<RebuildCause, Long> before = writeWhilePaused(c, replica);
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertEquals(before, replica.applier().rebuildsByCause(), "caught up from the archive");
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @Test
    void aReplicaCatchesUpFromTheArchiveWhileTwoSessionsGoOnWriting() throws Exception {
        String url = "jdbc:lattice:mem:archive-concurrent?replicas=1";
        try (Connection c = DriverManager.getConnection(url)) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE counter(id INT PRIMARY KEY, n BIGINT, note VARCHAR(20))");
            }
            Await.caughtUp(cluster, Duration.ofSeconds(30));
            Map<RebuildCause, Long> before = replica.applier().rebuildsByCause();
            replica.applier().setPaused(true);
            AtomicInteger written = new AtomicInteger();
            int total = TransactionLog.RING * 3;
            ExecutorService writers = Executors.newFixedThreadPool(2);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    try (Connection session = DriverManager.getConnection(url);
                         PreparedStatement insert = session.prepareStatement("INSERT INTO counter VALUES (?, 0, ?)");
                         PreparedStatement update = session.prepareStatement(
                                 "UPDATE counter SET n = n + 1, note = ? WHERE id = ?")) {
                        for (int i = 0; written.incrementAndGet() <= total; i++) {
                            int id = 2 * (i / 4) + writer;
                            if (i % 4 == 0) {
                                insert.setInt(1, id);
                                insert.setString(2, "w" + writer);
                                insert.executeUpdate();
                            } else {
                                update.setString(1, "i" + i);
                                update.setInt(2, id);
                                update.executeUpdate();
                            }
                        }
                    }
                    return null;
                }));
            }
            Await.until("the paused replica to fall further behind than the ring holds", Duration.ofSeconds(60),
                    () -> cluster.committedLsn() - replica.applied() > TransactionLog.RING + 2000);
            replica.applier().setPaused(false); // catches up while both sessions keep committing
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            writers.shutdown();
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertEquals(before, replica.applier().rebuildsByCause(), "caught up from the archive and the ring");
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        }
    }

    @Test
    void withoutTheArchiveTheSameReplicaIsRebuilt() throws Exception {
        TransactionLog.archives = false;
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:archive-off?replicas=1")) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Replica replica = cluster.h2().replicas().get(0);
            writeWhilePaused(c, replica);
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertTrue(replica.applier().rebuilds(RebuildCause.LOG_TRUNCATED) > 0,
                    "rebuilds " + replica.applier().rebuildsByCause());
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        } finally {
            TransactionLog.archives = true;
        }
    }

    /** Pauses the replica, commits TRANSACTIONS transactions and resumes it; returns its rebuilds before. */
    private static Map<RebuildCause, Long> writeWhilePaused(Connection c, Replica replica) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10, 2), "
                    + "seen TIMESTAMP WITH TIME ZONE, tags VARCHAR ARRAY, data VARBINARY(8), ok BOOLEAN, "
                    + "ratio DOUBLE)");
        }
        Await.caughtUp(c.unwrap(LatticeConnection.class).cluster(), Duration.ofSeconds(30));
        Map<RebuildCause, Long> before = replica.applier().rebuildsByCause();
        replica.applier().setPaused(true);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO item(id, name, price, seen, tags, data, ok, "
                + "ratio) VALUES (?, ?, ?, "
                + "TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+02' + CAST(? AS INT) * INTERVAL '1' SECOND, "
                + "ARRAY[?, 'x'], ?, ?, ?)");
             PreparedStatement update = c.prepareStatement("UPDATE item SET price = price + 1, name = ? WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM item WHERE id = ?");
             Statement s = c.createStatement()) {
            for (int i = 0; i < TRANSACTIONS; i++) {
                int id = i / 3;
                if (i == TRANSACTIONS / 2) {
                    s.execute("ALTER TABLE item ADD COLUMN note VARCHAR(10) DEFAULT 'n'");
                } else if (i % 3 == 0) {
                    insert.setInt(1, id);
                    insert.setString(2, "item \u00e9" + id);
                    insert.setBigDecimal(3, java.math.BigDecimal.valueOf(id, 2));
                    insert.setInt(4, id);
                    insert.setString(5, "t" + id);
                    insert.setBytes(6, new byte[] {(byte) id, (byte) (id >> 8)});
                    insert.setBoolean(7, id % 2 == 0);
                    insert.setDouble(8, id / 7.0);
                    insert.executeUpdate();
                } else if (i % 3 == 1 || id % 4 != 0) {
                    update.setString(1, id % 5 == 0 ? null : "renamed " + id);
                    update.setInt(2, id);
                    update.executeUpdate();
                } else {
                    delete.setInt(1, id);
                    delete.executeUpdate();
                }
            }
        }
        assertTrue(c.unwrap(LatticeConnection.class).cluster().committedLsn() - replica.applied() > TransactionLog.RING,
                "the replica is further behind than the ring holds");
        replica.applier().setPaused(false);
        return before;
    }
}
