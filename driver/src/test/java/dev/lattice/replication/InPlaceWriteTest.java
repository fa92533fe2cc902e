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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An in-memory replica takes a one-row UPDATE that keeps its key written committed in place, and
 * what its readers see stays a prefix of the log: earlier transactions are committed first, and a
 * second table is written in place only after a commit. Each rule is shown by switching it off.
 */
class InPlaceWriteTest {

    @AfterEach
    void restore() {
        ReplicaApplier.rowGate = null;
        ReplicaApplier.inPlaceFenced = true;
        ReplicaApplier.inPlaceWrites = true;
    }

    @Test
    void aBacklogOfOneRowUpdatesIsWrittenInPlace() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:in-place-backlog?replicas=1")) {
            Replica replica = setUp(c);
            long written = backlog(c, replica);
            assertEquals(100, written, "each one-row update of the table went in place");
            NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
        }
    }

    @Test
    void withInPlaceWritesOffTheSameBacklogGoesInTransactions() throws Exception {
        ReplicaApplier.inPlaceWrites = false;
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:in-place-off?replicas=1")) {
            Replica replica = setUp(c);
            assertEquals(0, backlog(c, replica));
            NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
        }
    }

    @Test
    void earlierTransactionsAreVisibleBeforeAnUpdateInPlace() throws Exception {
        assertEquals("a=1 b=1", seenWhileHeldAfterTwoRows("in-place-prefix"),
                "the insert into a (LSN n) is committed before the update of b (LSN n+1) goes in place");
    }

    @Test
    void withoutTheRuleAnUpdateInPlaceIsSeenBeforeTheTransactionBeforeIt() throws Exception {
        ReplicaApplier.inPlaceFenced = false;
        assertEquals("a=0 b=1", seenWhileHeldAfterTwoRows("in-place-unfenced"),
                "the anomaly the rule prevents: b's later update seen, a's earlier insert not");
    }

    /**
     * H2 takes a statement's snapshot table by table and takes it again only when a commit came in
     * between; so two tables written in place must have a commit between them. A reader's two
     * looks fall nanoseconds apart, too close for a test to land a write between them: what is
     * shown here is the commit itself, counted, and that without the rule there is none.
     */
    @Test
    void aSecondTableIsWrittenInPlaceOnlyAfterACommit() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:in-place-tables?replicas=1")) {
            Replica replica = setUp(c);
            long[] inPlaceAndCommits = alternatingUpdates(c, replica);
            assertEquals(10, inPlaceAndCommits[0], "the updates of a went in place, those of b in transactions");
            assertTrue(inPlaceAndCommits[1] >= 9, "a commit between each two: " + inPlaceAndCommits[1]);
            NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
        }
    }

    @Test
    void withoutTheRuleTwoTablesAreWrittenInPlaceWithNoCommitBetween() throws Exception {
        ReplicaApplier.inPlaceFenced = false;
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:in-place-tables-off?replicas=1")) {
            Replica replica = setUp(c);
            long[] inPlaceAndCommits = alternatingUpdates(c, replica);
            assertEquals(20, inPlaceAndCommits[0]);
            assertTrue(inPlaceAndCommits[1] <= 1, "commits: " + inPlaceAndCommits[1]);
        }
    }

    /**
     * A row that a transaction on the replica holds (SELECT ... FOR UPDATE there) is not written
     * over: the applier waits for it, as H2's own UPDATE would, and installs the update once it is let go.
     */
    @Test
    void aRowHeldOnTheReplicaIsWaitedFor() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:in-place-held?replicas=1")) {
            Replica replica = setUp(c);
            try (Connection holder = replica.node().connectDirect(); Statement h = holder.createStatement();
                 Statement s = c.createStatement()) {
                holder.setAutoCommit(false);
                h.executeQuery("SELECT * FROM b WHERE id = 1 FOR UPDATE").close();
                s.executeUpdate("UPDATE b SET v = 7 WHERE id = 1");
                Await.until("the applier to wait for the row held on the replica", Duration.ofSeconds(10),
                        () -> aSessionWaits(replica));
                assertEquals(0, value(replica, "SELECT v FROM b WHERE id = 1"), "not written over the holder");
                holder.rollback();
                Await.caughtUp(cluster(c), Duration.ofSeconds(30));
                assertEquals(7, value(replica, "SELECT v FROM b WHERE id = 1"));
            }
            NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
        }
    }

    /** H2 reuses a query's last result while no table it reads has changed since: an update in place counts. */
    @Test
    void aQueryResultTheReplicaCachedIsNotReusedAfterAnUpdateInPlace() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:in-place-cache?replicas=1")) {
            Replica replica = setUp(c);
            try (Connection r = replica.node().connectDirect();
                 PreparedStatement select = r.prepareStatement("SELECT v FROM b WHERE id = 1");
                 Statement s = c.createStatement()) {
                assertEquals(0, single(select));
                long before = replica.applier().inPlaceCount();
                s.executeUpdate("UPDATE b SET v = 5 WHERE id = 1");
                Await.caughtUp(cluster(c), Duration.ofSeconds(30));
                assertEquals(before + 1, replica.applier().inPlaceCount(), "the update went in place");
                assertEquals(5, single(select));
            }
        }
    }

    private static int single(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Cluster cluster(Connection c) throws SQLException {
        return c.unwrap(LatticeConnection.class).cluster();
    }

    /** Tables a and b (keyed by id, no other index) and c (with a second index); b holds row 1. */
    private static Replica setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a(id INT PRIMARY KEY, v INT)");
            s.execute("CREATE TABLE b(id INT PRIMARY KEY, v INT)");
            s.execute("CREATE TABLE c(id INT PRIMARY KEY, v INT)");
            s.execute("CREATE INDEX c_v ON c(v)");
            s.execute("INSERT INTO a VALUES (100, 0)");
            s.execute("INSERT INTO b VALUES (1, 0)");
            s.execute("INSERT INTO c VALUES (1, 0)");
        }
        Await.caughtUp(cluster(c), Duration.ofSeconds(30));
        return cluster(c).h2().replicas().get(0);
    }

    /**
     * With the replica paused: 20 inserts into a, 100 one-row updates of a, a two-row transaction,
     * updates of c (second index: not in place), a key change and deletes; returns the writes in place.
     */
    private static long backlog(Connection c, Replica replica) throws SQLException {
        long before = replica.applier().inPlaceCount();
        replica.applier().setPaused(true);
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.executeUpdate("INSERT INTO a VALUES (" + i + ", " + i + ")");
            }
            for (int i = 0; i < 100; i++) {
                s.executeUpdate("UPDATE a SET v = v + 1 WHERE id = " + (i % 20));
            }
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE a SET v = -1 WHERE id = 0");
            s.executeUpdate("UPDATE a SET v = -1 WHERE id = 1");
            c.commit();
            c.setAutoCommit(true);
            s.executeUpdate("UPDATE c SET v = 5 WHERE id = 1");
            s.executeUpdate("UPDATE a SET id = 200 WHERE id = 2");
            s.executeUpdate("DELETE FROM a WHERE id = 3");
        }
        replica.applier().setPaused(false);
        Await.caughtUp(cluster(c), Duration.ofSeconds(30));
        return replica.applier().inPlaceCount() - before;
    }

    /**
     * With the replica paused, commits an insert into a, then an update of b, then another insert
     * into a; the applier applies them in one batch and is held before the third: what a reader of
     * the replica sees then, as "a=(rows of a with id 1) b=(b's v)".
     */
    private static String seenWhileHeldAfterTwoRows(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:" + name + "?replicas=1")) {
            Replica replica = setUp(c);
            replica.applier().setPaused(true);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO a VALUES (1, 1)");
                s.executeUpdate("UPDATE b SET v = 1 WHERE id = 1");
                s.executeUpdate("INSERT INTO a VALUES (2, 2)"); // not in place: a row apply of its own
            }
            CountDownLatch open = new CountDownLatch(1);
            HeldAfter gate = new HeldAfter(2, open);
            ReplicaApplier.rowGate = gate;
            replica.applier().setPaused(false);
            try {
                Await.until("the applier to reach the third row", Duration.ofSeconds(10), () -> gate.held() > 0);
                return "a=" + value(replica, "SELECT COUNT(*) FROM a WHERE id = 1")
                        + " b=" + value(replica, "SELECT v FROM b WHERE id = 1");
            } finally {
                open.countDown();
                ReplicaApplier.rowGate = null;
                Await.caughtUp(cluster(c), Duration.ofSeconds(30));
                NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
            }
        }
    }

    /** With the replica paused, 20 one-row updates alternating a and b; returns {writes in place, replica commits}. */
    private static long[] alternatingUpdates(Connection c, Replica replica) throws SQLException {
        replica.applier().setPaused(true);
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < 10; i++) {
                s.executeUpdate("UPDATE a SET v = " + i + " WHERE id = 100");
                s.executeUpdate("UPDATE b SET v = " + i + " WHERE id = 1");
            }
        }
        long inPlace = replica.applier().inPlaceCount();
        long commits = replica.applier().replicaCommits();
        replica.applier().setPaused(false);
        Await.caughtUp(cluster(c), Duration.ofSeconds(30));
        return new long[] {replica.applier().inPlaceCount() - inPlace, replica.applier().replicaCommits() - commits};
    }

    private static boolean aSessionWaits(Replica replica) {
        try {
            return value(replica, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL") > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int value(Replica replica, String sql) throws SQLException {
        try (Connection r = replica.node().connectDirect(); Statement s = r.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A row gate that lets the first rows pass and holds every later one until opened. */
    private static final class HeldAfter extends CountDownLatch {
        private final int passing;
        private final CountDownLatch open;
        private final AtomicInteger seen = new AtomicInteger();
        private final AtomicInteger held = new AtomicInteger();

        HeldAfter(int passing, CountDownLatch open) {
            super(0);
            this.passing = passing;
            this.open = open;
        }

        @Override
        public void await() throws InterruptedException {
            if (seen.incrementAndGet() > passing) {
                held.incrementAndGet();
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            }
        }

        int held() {
            return held.get();
        }
    }
}
