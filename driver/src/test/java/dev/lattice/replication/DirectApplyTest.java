package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.h2.api.Trigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row changes applied below SQL ({@link DirectApply}) leave each replica exactly as the primary:
 * every plain column type, LOBs, JSON, arrays, rows, enums, intervals and computed columns,
 * composite and changed primary keys, unique indexes swapped inside one transaction, tables
 * without a primary key (duplicate rows, NULLs, with and without an index), and a table that still
 * needs SQL beside them; the users' triggers do not run again there.
 */
class DirectApplyTest {

    @AfterEach
    void on() {
        DirectApply.enabled = true;
        TableShape.refusesTriggers = true;
    }

    @Test
    void everyKindOfRowChangeLeavesReplicasAsThePrimary() throws Exception {
        String url = "jdbc:lattice:mem:direct-" + System.nanoTime() + "?replicas=2";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE typed(id BIGINT PRIMARY KEY, i INT, si SMALLINT, ti TINYINT, b BOOLEAN, "
                    + "n NUMERIC(20, 4), df DECFLOAT, d DOUBLE PRECISION, r REAL, v VARCHAR(40), ch CHAR(3), "
                    + "ic VARCHAR_IGNORECASE(20), bin VARBINARY(8), fb BINARY(2), dt DATE, tm TIME(6), "
                    + "tz TIME(3) WITH TIME ZONE, ts TIMESTAMP(9), tstz TIMESTAMP(6) WITH TIME ZONE, u UUID)");
            s.execute("CREATE TABLE pair(a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))");
            s.execute("CREATE TABLE code(id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, grp INT)");
            s.execute("CREATE INDEX code_grp ON code(grp)");
            // no primary key: rows found by all their values, through an index where there is one
            s.execute("CREATE TABLE loose(v INT, w VARCHAR(10))");
            s.execute("CREATE TABLE tagged(v INT, w VARCHAR(10))");
            s.execute("CREATE INDEX tagged_v ON tagged(v)");
            s.execute("CREATE TABLE single(v INT UNIQUE, w VARCHAR(10))");
            s.execute("CREATE TABLE doc(id INT PRIMARY KEY, body JSON, note CLOB)");
            s.execute("CREATE TABLE computed(id INT PRIMARY KEY, v INT, twice INT GENERATED ALWAYS AS (v * 2))");
            s.execute("CREATE TABLE rich(id INT PRIMARY KEY, tags VARCHAR(10) ARRAY, grid INT ARRAY ARRAY, "
                    + "docs JSON ARRAY, mood ENUM('sad', 'ok', 'happy'), span INTERVAL DAY TO SECOND, "
                    + "period INTERVAL YEAR TO MONTH, data BLOB, born TIMESTAMP DEFAULT NOW())");
            s.execute("CREATE TABLE loose_doc(body JSON, note CLOB)");
            s.execute("CREATE TABLE shaped(id INT PRIMARY KEY, r ROW(a INT, b VARCHAR(5)), "
                    + "rs ROW(n INT, tags VARCHAR(5) ARRAY) ARRAY)");
            // beside them, a table the applier still installs with SQL
            s.execute("CREATE TABLE place(id INT PRIMARY KEY, g GEOMETRY)");

            try (PreparedStatement insert = c.prepareStatement("INSERT INTO typed VALUES (?, 1, 2, 3, TRUE, "
                    + "12345.6789, 1.5E300, 2.5, 0.25, ?, 'ab', 'MiXeD', X'00ff10', X'0a0b', DATE '2026-12-06', "
                    + "TIME '12:34:56.123456', TIME '01:02:03.5+05:30', TIMESTAMP '2026-12-06 18:40:01.123456789', "
                    + "TIMESTAMP '2026-03-29 02:30:00.25+02:00', RANDOM_UUID())")) {
                for (int id = 1; id <= 20; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "row " + id);
                    insert.executeUpdate();
                }
            }
            s.executeUpdate("UPDATE typed SET i = NULL, v = NULL, ts = NULL, u = NULL WHERE id = 3");
            s.executeUpdate("UPDATE typed SET n = n * 3, d = -0.0, df = 1E-300, tz = NULL WHERE id > 15");
            s.executeUpdate("UPDATE typed SET id = id + 100 WHERE id IN (4, 5)");
            s.executeUpdate("DELETE FROM typed WHERE id = 7");

            s.executeUpdate("INSERT INTO pair VALUES (1, 'x', 1), (1, 'y', 2), (2, 'x', 3)");
            s.executeUpdate("UPDATE pair SET b = 'z' WHERE a = 1 AND b = 'x'");
            s.executeUpdate("UPDATE pair SET v = v + 10");
            s.executeUpdate("DELETE FROM pair WHERE a = 2");

            s.executeUpdate("INSERT INTO code VALUES (1, 'one', 1), (2, 'two', 1), (3, 'three', 2)");
            c.setAutoCommit(false);
            // a unique value moves from row to row inside one transaction: only the end state is unique
            s.executeUpdate("UPDATE code SET code = 'tmp' WHERE id = 1");
            s.executeUpdate("UPDATE code SET code = 'one', grp = 3 WHERE id = 2");
            s.executeUpdate("UPDATE code SET code = 'two' WHERE id = 1");
            s.executeUpdate("DELETE FROM code WHERE id = 3");
            s.executeUpdate("INSERT INTO code VALUES (3, 'third', 2)");
            s.executeUpdate("UPDATE typed SET v = 'in a transaction' WHERE id = 1");
            c.commit();
            s.executeUpdate("UPDATE typed SET v = 'rolled back' WHERE id = 1");
            c.rollback();
            c.setAutoCommit(true);

            s.executeUpdate("INSERT INTO doc VALUES (1, JSON '{\"a\": [1, 2]}', 'long text')");
            s.executeUpdate("UPDATE doc SET body = JSON '{\"a\": 3}' WHERE id = 1");
            s.executeUpdate("INSERT INTO loose VALUES (1, 'a'), (1, 'a'), (NULL, 'b')");
            s.executeUpdate("UPDATE loose SET w = 'c' WHERE v IS NULL");
            s.executeUpdate("DELETE FROM loose WHERE v = 1 LIMIT 1");
            s.executeUpdate("INSERT INTO tagged VALUES (1, 'a'), (1, 'a'), (1, 'b'), (NULL, 'n'), (NULL, 'n'), (2, NULL)");
            s.executeUpdate("UPDATE tagged SET w = 'm' WHERE v IS NULL");
            s.executeUpdate("UPDATE tagged SET v = 3 WHERE w IS NULL");
            s.executeUpdate("DELETE FROM tagged WHERE v = 1 AND w = 'a' LIMIT 1");
            s.executeUpdate("INSERT INTO single VALUES (1, 'x'), (2, 'y'), (NULL, 'z'), (NULL, 'z')");
            s.executeUpdate("UPDATE single SET v = 3 WHERE v = 1");
            s.executeUpdate("UPDATE single SET w = 'q' WHERE v IS NULL");
            s.executeUpdate("DELETE FROM single WHERE v = 2");
            s.executeUpdate("INSERT INTO computed(id, v) VALUES (1, 4), (2, 5)");
            s.executeUpdate("UPDATE computed SET v = 6 WHERE id = 2");
            s.executeUpdate("INSERT INTO doc VALUES (2, JSON '[1, \"two\", null, {\"x\": true}]', REPEAT('long ', 20000))");
            s.executeUpdate("UPDATE doc SET note = REPEAT('longer ', 30000) WHERE id = 2");
            s.executeUpdate("UPDATE doc SET note = NULL, body = NULL WHERE id = 1");
            s.executeUpdate("DELETE FROM doc WHERE id = 1");
            s.executeUpdate("INSERT INTO rich(id, tags, grid, docs, mood, span, period, data) VALUES "
                    + "(1, ARRAY['a', 'b', NULL], ARRAY[ARRAY[1, 2], ARRAY[3]], ARRAY[JSON '{\"k\": 1}', JSON '2'], 'ok', "
                    + "INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '2-11' YEAR TO MONTH, X'cafebabe'), "
                    + "(2, ARRAY[], NULL, NULL, 'sad', NULL, NULL, CAST(REPEAT('ab', 100000) AS BINARY VARYING(200000)))");
            s.executeUpdate("UPDATE rich SET tags = ARRAY['c'], mood = 'happy', span = -span, data = X'00' WHERE id = 1");
            s.executeUpdate("UPDATE rich SET data = NULL WHERE id = 2");
            s.executeUpdate("INSERT INTO loose_doc VALUES (JSON '{\"a\": 1}', 'x'), (JSON '{\"a\": 1}', 'y'), "
                    + "(JSON '{\"a\": 2}', 'y')");
            s.executeUpdate("DELETE FROM loose_doc WHERE note = 'y' AND body = JSON '{\"a\": 1}'");
            s.executeUpdate("UPDATE loose_doc SET note = 'z' WHERE body = JSON '{\"a\": 2}'");
            s.executeUpdate("INSERT INTO shaped VALUES (1, ROW(1, 'a'), ARRAY[ROW(1, ARRAY['x', 'y']), ROW(2, NULL)]), "
                    + "(2, NULL, ARRAY[])");
            s.executeUpdate("UPDATE shaped SET r = ROW(2, 'b'), rs = ARRAY[ROW(3, ARRAY[])] WHERE id = 1");
            s.executeUpdate("INSERT INTO place VALUES (1, 'POINT (1 2)'), (2, 'LINESTRING (0 0, 1 1)')");
            s.executeUpdate("UPDATE place SET g = 'POINT (3 4)' WHERE id = 1");

            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
            String found = lookups(cluster.primary().url());
            assertEquals("104:row 4|105:row 5|-|one:2|two:1|third:3|-|grp3:2|1z:11|-", found);
            for (Replica r : cluster.h2().replicas()) {
                assertEquals(found, lookups(r.node().url()), "the replica's indexes find each row where the primary's do");
                assertEquals(0, r.applier().rebuilds(RebuildCause.DIVERGED), "applied without a rebuild");
                try (Connection replica = DriverManager.getConnection(r.node().url(), "sa", "")) {
                    for (String table : new String[] {"TYPED", "PAIR", "CODE", "LOOSE", "TAGGED", "SINGLE", "DOC",
                            "COMPUTED", "RICH", "LOOSE_DOC", "SHAPED"}) {
                        assertNotNull(DirectApply.of(replica, new TableId("PUBLIC", table)), table + " is applied below SQL");
                    }
                    for (String table : new String[] {"PLACE"}) {
                        assertNull(DirectApply.of(replica, new TableId("PUBLIC", table)), table + " is applied with SQL");
                    }
                }
            }
        }
    }

    /** Rows found through each index (a row written under a stale key is in the checksum, but not found). */
    private static String lookups(String h2Url) throws SQLException {
        String[] queries = {"SELECT id, v FROM typed WHERE id = 104", "SELECT id, v FROM typed WHERE id = 105",
            "SELECT id, v FROM typed WHERE id = 4", "SELECT code, id FROM code WHERE code = 'one'",
            "SELECT code, id FROM code WHERE code = 'two'", "SELECT code, id FROM code WHERE code = 'third'",
            "SELECT code, id FROM code WHERE code = 'tmp'", "SELECT 'grp3', id FROM code WHERE grp = 3",
            "SELECT a || b, v FROM pair WHERE a = 1 AND b = 'z'", "SELECT a || b, v FROM pair WHERE a = 1 AND b = 'x'"};
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(h2Url, "sa", ""); Statement s = c.createStatement()) {
            for (int i = 0; i < queries.length; i++) {
                try (ResultSet rs = s.executeQuery(queries[i])) {
                    out.append(i == 0 ? "" : "|").append(rs.next() ? rs.getString(1) + ":" + rs.getString(2) : "-");
                }
            }
        }
        return out.toString();
    }

    @Test
    void aFileReplicaOpenedAgainGoesOnFromItsAppliedRecordWithoutARebuild(@TempDir Path dir) throws Exception {
        String url = "jdbc:lattice:file:" + dir + "?replicas=1";
        String key = "FILE:" + dir.toAbsolutePath().normalize();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger(id INT PRIMARY KEY, n BIGINT)");
            s.executeUpdate("INSERT INTO ledger SELECT X, 0 FROM SYSTEM_RANGE(1, 10)");
            for (int i = 0; i < 200; i++) {
                s.executeUpdate("UPDATE ledger SET n = n + 1 WHERE id = " + (i % 10 + 1));
            }
            Await.caughtUp(c.unwrap(LatticeConnection.class).cluster(), Duration.ofSeconds(10));
        } finally {
            ClusterRegistry.shutdown(key);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.executeUpdate("UPDATE ledger SET n = n + 1");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            Replica replica = cluster.h2().replicas().get(0);
            assertEquals(Map.of(), replica.applier().rebuildsByCause(), "the replica went on from its LATTICE.APPLIED");
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
        } finally {
            ClusterRegistry.shutdown(key);
        }
    }

    @Test
    void withSqlATableWithoutPrimaryKeyHasItsRowsFoundByTheirJsonAndLobValuesToo() throws Exception {
        DirectApply.enabled = false; // as for a replica in another process
        String url = "jdbc:lattice:mem:sql-loose-" + System.nanoTime() + "?replicas=1";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE loose_doc(body JSON, note CLOB)");
            s.executeUpdate("INSERT INTO loose_doc VALUES (JSON '{\"a\": 1}', 'x'), (JSON '{\"a\": 1}', 'y'), "
                    + "(JSON '{\"a\": 2}', 'y')");
            s.executeUpdate("DELETE FROM loose_doc WHERE note = 'y' AND body = JSON '{\"a\": 1}'");
            s.executeUpdate("UPDATE loose_doc SET note = 'z' WHERE body = JSON '{\"a\": 2}'");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            NodeChecksum.assertReplicasMatchPrimary(cluster, "");
            assertEquals(0, cluster.h2().replicas().get(0).applier().rebuilds(RebuildCause.DIVERGED));
        }
    }

    @Test
    void aReplicaDoesNotRunTheUsersTriggersAgainWithDirectApplyButDidWithSql() throws Exception {
        assertEquals(1, replicaAuditRowsPerInsert(true), "direct apply: the audit row the primary's trigger made");
        assertNotEquals(1, replicaAuditRowsPerInsert(false), "SQL apply runs the trigger again on the replica");
    }

    /** Audit rows on the first replica after one insert into a table whose trigger writes an audit row. */
    private static long replicaAuditRowsPerInsert(boolean direct) throws Exception {
        DirectApply.enabled = direct;
        TableShape.refusesTriggers = direct; // with SQL, the table is refused unless the check is off (ServerSideApplyTest)
        String url = "jdbc:lattice:mem:direct-trigger-" + System.nanoTime() + "?replicas=1";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE audit(item INT, what VARCHAR(10))");
            // JSON and a LOB: such a table was applied with SQL, and its trigger ran again, before DirectApply took them
            s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(10), doc JSON, note CLOB)");
            s.execute("CREATE TRIGGER item_audit AFTER INSERT ON item FOR EACH ROW CALL \""
                    + AuditTrigger.class.getName() + "\"");
            Await.caughtUp(cluster, Duration.ofSeconds(10)); // the replica applies the insert, not a snapshot with it
            s.executeUpdate("INSERT INTO item VALUES (1, 'a', JSON '{\"n\": 1}', 'note')");
            Await.caughtUp(cluster, Duration.ofSeconds(10));
            try (Connection replica = DriverManager.getConnection(cluster.h2().replicas().get(0).node().url(), "sa", "");
                 Statement r = replica.createStatement();
                 var rs = r.executeQuery("SELECT COUNT(*) FROM audit")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * One change applied on two replicas is converted to H2's values once, for both, when their
     * columns have the same types; a replica whose column has another type converts it itself.
     */
    @Test
    void aChangeIsConvertedOnceForReplicasOfTheSameTypesOnly() throws Exception {
        String base = "jdbc:h2:mem:shared-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(base + "-a", "sa", "");
             Connection b = DriverManager.getConnection(base + "-b", "sa", "");
             Connection text = DriverManager.getConnection(base + "-text", "sa", "")) {
            for (Connection c : new Connection[] {a, b, text}) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE t(id INT PRIMARY KEY, v " + (c == text ? "VARCHAR(20)" : "BIGINT") + ")");
                    s.execute("INSERT INTO t VALUES (1, 5), (2, 6)");
                }
            }
            TableId t = new TableId("PUBLIC", "T");
            RowChange update = new RowChange(t, RowChange.Op.UPDATE, new Object[] {1, 5L}, new Object[] {1, 7L});
            RowChange insert = new RowChange(t, RowChange.Op.INSERT, null, new Object[] {3, 8L});
            for (Connection c : new Connection[] {a, text, b}) {
                DirectApply direct = DirectApply.of(c, t);
                assertEquals(true, direct.applyInPlace(List.of(update)), "a one-row update by key is written in place");
                c.setAutoCommit(false);
                direct.apply(insert);
                c.commit();
                c.setAutoCommit(true);
            }
            assertNotNull(update.convertedNew(), "the first replica left its conversion for the others");
            for (Connection c : new Connection[] {a, b, text}) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY id")) {
                    Class<?> expected = c == text ? String.class : Long.class;
                    for (long v : new long[] {7, 6, 8}) {
                        rs.next();
                        // a shared conversion across types would put a BIGINT into the VARCHAR column
                        assertEquals(expected, rs.getObject(1).getClass(), "the column's own type");
                        assertEquals(String.valueOf(v), rs.getString(1));
                    }
                }
            }
        }
    }

    /** Writes an audit row for each inserted item. */
    public static final class AuditTrigger implements Trigger {
        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audit VALUES (?, 'insert')")) {
                ps.setObject(1, newRow[0]);
                ps.executeUpdate();
            }
        }
    }
}
