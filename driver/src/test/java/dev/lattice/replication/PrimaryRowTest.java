package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.db.MVPrimaryIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.result.Row;
import org.junit.jupiter.api.Test;

/**
 * An in-memory replica stores an UPDATE that kept its row's key as the very row the embedded
 * primary's H2 stored ({@link RowChange#primaryRow}), where its table lays rows out as the
 * primary's does; elsewhere it converts the captured values as before. Either way it holds what
 * the primary holds, and a replica behind the primary keeps the row of the LSN it is at.
 */
class PrimaryRowTest {

    @Test
    void aReplicaStoresTheRowThePrimaryStored() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:primary-row?replicas=2");
             Statement s = c.createStatement()) {
            tableT(c, "(1, 'a', 1), (2, 'b', 2)");
            s.executeUpdate("UPDATE t SET n = 5 WHERE id = 2");
            Await.caughtUp(cluster(c), Duration.ofSeconds(30));
            for (Replica replica : cluster(c).h2().replicas()) {
                Row[] rows = storedOnBoth(c, replica, "T", 2);
                assertSame(rows[0], rows[1], "the replica holds the primary's row object");
            }
            NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
        }
    }

    @Test
    void aKeyChangeOrARowWithALobIsConvertedAsBefore() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:primary-row-other?replicas=1");
             Statement s = c.createStatement()) {
            tableT(c, "(1, 'a', 1)");
            s.execute("CREATE TABLE l(id INT PRIMARY KEY, doc CLOB, n BIGINT)");
            s.execute("INSERT INTO l VALUES (1, 'text', 1)");
            Replica replica = cluster(c).h2().replicas().get(0);
            long rebuilds = replica.applier().rebuilds();
            s.executeUpdate("UPDATE t SET id = 3, n = 7 WHERE id = 1");
            s.executeUpdate("UPDATE l SET n = 7 WHERE id = 1");
            Await.caughtUp(cluster(c), Duration.ofSeconds(30));
            Row[] moved = storedOnBoth(c, replica, "T", 3);
            assertNotSame(moved[0], moved[1], "a moved row is the replica's own");
            Row[] lob = storedOnBoth(c, replica, "L", 1);
            assertNotSame(lob[0], lob[1], "a LOB belongs to one database's LOB storage");
            assertEquals(rebuilds, replica.applier().rebuilds(), "applied from the log, not copied again");
            NodeChecksum.assertReplicasMatchPrimary(cluster(c), "");
        }
    }

    /**
     * H2 stores an UPDATE's row as a new object and leaves the one it replaced as it was (as it
     * does when it locks a row, or rolls a change back): a replica that holds the primary's
     * earlier row goes on reading it while the primary moves on.
     */
    @Test
    void aReplicaBehindThePrimaryKeepsTheRowOfItsLsn() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:primary-row-behind?replicas=1");
             Statement s = c.createStatement()) {
            tableT(c, "(1, 'a', 1)");
            s.executeUpdate("UPDATE t SET v = 'b', n = 2 WHERE id = 1");
            Replica replica = cluster(c).h2().replicas().get(0);
            Await.caughtUp(cluster(c), Duration.ofSeconds(30));
            try (Connection primary = primary(c); Connection direct = replica.node().connectDirect()) {
                Row shared = stored(direct, "T", 1);
                assertSame(stored(primary, "T", 1), shared);
                replica.applier().setPaused(true);
                try {
                    s.executeUpdate("UPDATE t SET v = 'c', n = 3 WHERE id = 1");
                    c.setAutoCommit(false); // the row locked, merged over and rolled back on the primary
                    s.executeQuery("SELECT * FROM t WHERE id = 1 FOR UPDATE").close();
                    s.executeUpdate("MERGE INTO t KEY(id) VALUES (1, 'd', 4)");
                    c.rollback();
                    c.setAutoCommit(true);
                    assertEquals("b 2", read(direct), "the replica reads the row of the LSN it is at");
                    assertSame(shared, stored(direct, "T", 1));
                    assertNotSame(shared, stored(primary, "T", 1), "the primary stored a new row");
                } finally {
                    replica.applier().setPaused(false);
                }
                Await.caughtUp(cluster(c), Duration.ofSeconds(30));
                assertEquals("c 3", read(direct));
                assertSame(stored(primary, "T", 1), stored(direct, "T", 1));
            }
        }
    }

    /**
     * Below the cluster: a replica table whose layout differs from the primary's (here a wider
     * VARCHAR) stores its own row with the same values, and one of the same layout the primary's.
     */
    @Test
    void onlyATableOfThePrimarysLayoutStoresThePrimarysRow() throws Exception {
        try (Connection primary = table("primary", 20); Connection same = table("same", 20);
             Connection wider = table("wider", 40)) {
            TableId id = new TableId("PUBLIC", "T");
            try (Statement s = primary.createStatement()) {
                s.executeUpdate("UPDATE t SET n = 9 WHERE id = 1");
            }
            Row row = stored(primary, "T", 1);
            RowChange change = new RowChange(id, new Object[] {1, "a", 1L}, new Object[] {1, "a", 9L}, row,
                    RowLayout.of(h2Table(primary, "T")));
            assertTrue(DirectApply.of(same, id).applyInPlace(List.of(change)));
            assertTrue(DirectApply.of(wider, id).applyInPlace(List.of(change)));
            assertSame(row, stored(same, "T", 1));
            assertNotSame(row, stored(wider, "T", 1));
            assertEquals("a 9", read(wider), "converted from the captured values");
        }
    }

    /**
     * Table t (keyed by id, no other index) with these rows, on every replica: what comes after is
     * applied from the log (a replica that starts behind may take a copy of the primary instead).
     */
    private static void tableT(Connection c, String rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20), n BIGINT)");
            s.execute("INSERT INTO t VALUES " + rows);
        }
        Await.caughtUp(cluster(c), Duration.ofSeconds(30));
    }

    private static Connection table(String name, int width) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:primary-row-" + name + "-" + System.nanoTime()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(" + width + "), n BIGINT)");
            s.execute("INSERT INTO t VALUES (1, 'a', 1)");
        }
        return c;
    }

    private static String read(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v, n FROM t WHERE id = 1")) {
            assertTrue(rs.next());
            return rs.getString(1) + " " + rs.getLong(2);
        }
    }

    private static Cluster cluster(Connection c) throws SQLException {
        return c.unwrap(LatticeConnection.class).cluster();
    }

    private static Connection primary(Connection c) throws SQLException {
        return cluster(c).primary().connectDirect();
    }

    /** The row objects the primary and the replica hold under the key, in that order. */
    private static Row[] storedOnBoth(Connection c, Replica replica, String table, long key) throws SQLException {
        try (Connection primary = primary(c); Connection direct = replica.node().connectDirect()) {
            return new Row[] {stored(primary, table, key), stored(direct, table, key)};
        }
    }

    /** The row object H2 holds under the key in the table's primary index, committed. */
    private static Row stored(Connection node, String table, long key) throws SQLException {
        SessionLocal session = (SessionLocal) node.unwrap(JdbcConnection.class).getSession();
        MVPrimaryIndex rows = (MVPrimaryIndex) h2Table(node, table).getScanIndex(session);
        Object row = rows.getMVMap().get(key);
        assertNotNull(row, table + " " + key);
        return (Row) row;
    }

    private static MVTable h2Table(Connection node, String table) throws SQLException {
        SessionLocal session = (SessionLocal) node.unwrap(JdbcConnection.class).getSession();
        return (MVTable) session.getDatabase().getSchema("PUBLIC").findTableOrView(session, table);
    }
}
