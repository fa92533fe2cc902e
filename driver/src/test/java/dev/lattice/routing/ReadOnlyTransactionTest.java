package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.ShowStats;
import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Read-only transactions run on one replica as one snapshot and refuse writes; other transactions run on the primary. */
class ReadOnlyTransactionTest {

    @Test
    void setReadOnlyTransactionsReadAReplicaAndRefuseWrites() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("read-only", 0, 0); Connection c = lc.connect("EVENTUAL");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            s.executeUpdate("INSERT INTO t VALUES (1)");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(10));
            long replicaReadsBefore = ShowStats.count(s, "EVENTUAL", "REPLICA_READS");
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertEquals(1, count(s));
            assertEquals(1, count(s));
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO t VALUES (2)"));
            assertEquals("25006", e.getSQLState());
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            assertEquals(replicaReadsBefore + 1, ShowStats.count(s, "EVENTUAL", "REPLICA_READS"), "the transaction was routed once, to a replica");
            s.executeUpdate("INSERT INTO t VALUES (2)");
        }
    }

    /**
     * A read-only transaction keeps one snapshot while the replica applies more. Autocommit reads
     * before it leave the replica connection inside a standing read transaction (H2): the snapshot
     * still begins at the transaction's own first read, and reads after it see the newest applied
     * state again.
     */
    @Test
    void aReadOnlyTransactionSeesOneSnapshotFromItsFirstReadWhileTheReplicaApplies() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("standing", 0, 0); Connection c = lc.connect("EVENTUAL");
             Connection writer = lc.connect("EVENTUAL"); Statement s = c.createStatement();
             Statement w = writer.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            w.executeUpdate("INSERT INTO t VALUES (1)");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(10));
            assertEquals(1, count(s)); // one read on each replica: EVENTUAL takes them in turn
            assertEquals(1, count(s));
            w.executeUpdate("INSERT INTO t VALUES (2)");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(10));
            s.execute("START TRANSACTION READ ONLY");
            assertEquals(2, count(s), "the snapshot begins at the transaction's first read");
            w.executeUpdate("INSERT INTO t VALUES (3)");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(10));
            assertEquals(2, count(s), "the transaction keeps its snapshot after the replica applied more");
            s.execute("COMMIT");
            assertEquals(3, count(s), "autocommit reads see the newest applied state again");
            assertEquals(3, count(s));
        }
    }

    /**
     * When no replica can serve it, a read-only transaction runs on the primary, and there too as one
     * snapshot: a post and its reply committed together between its two reads are both unseen.
     */
    @Test
    void aReadOnlyTransactionOnThePrimaryIsOneSnapshot() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("read-only-primary", 0, 0);
             Connection c = lc.connect("CAUSAL"); Connection writer = lc.connect("EVENTUAL");
             Statement s = c.createStatement(); Statement w = writer.createStatement()) {
            lc.execute("CREATE TABLE post(id INT PRIMARY KEY)", "CREATE TABLE reply(id INT PRIMARY KEY, post_id INT)");
            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.execute("SET CONSISTENCY TIMEOUT 0");
            s.executeUpdate("INSERT INTO post VALUES (0)"); // no replica has it: the transaction reads the primary
            long primaryReadsBefore = ShowStats.count(s, "CAUSAL", "PRIMARY_READS");
            s.execute("START TRANSACTION READ ONLY");
            assertEquals(1, count(s, "post"));
            writer.setAutoCommit(false);
            w.executeUpdate("INSERT INTO post VALUES (1)");
            w.executeUpdate("INSERT INTO reply VALUES (1, 1)");
            writer.commit();
            assertEquals(0, count(s, "reply"), "a reply whose post the transaction did not see");
            assertEquals(1, count(s, "post"));
            s.execute("COMMIT");
            assertEquals(primaryReadsBefore + 1, ShowStats.count(s, "CAUSAL", "PRIMARY_READS"),
                    "the transaction was routed once, to the primary");
            assertEquals(1, count(s, "reply"), "autocommit reads see the newest state again");
            assertEquals(2, count(s, "post"));
            writer.setAutoCommit(true);
            w.executeUpdate("INSERT INTO post VALUES (2)"); // the primary connection is read-write again
            s.executeUpdate("INSERT INTO post VALUES (3)");
            assertEquals(4, count(s, "post"));
            lc.alter("ALTER REPLICA replica1 RESUME", "ALTER REPLICA replica2 RESUME");
        }
    }

    @Test
    void readWriteTransactionsRunOnThePrimary() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("read-write", 0, 0); Connection c = lc.connect("EVENTUAL");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO t VALUES (1)");
            assertEquals(1, count(s), "the transaction reads its own uncommitted write on the primary");
            s.execute("COMMIT");
            assertTrue(lc.cluster().committedLsn() > 0);
        }
    }

    private static int count(Statement s) throws SQLException {
        return count(s, "t");
    }

    private static int count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
