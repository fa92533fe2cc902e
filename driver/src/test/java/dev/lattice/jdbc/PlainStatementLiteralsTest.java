package dev.lattice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A plain Statement's texts whose every literal is a key value run on embedded H2 nodes as their
 * shape's text with the literals bound, so H2 parses the shape once; they answer as the texts
 * would. H2's own statistics of the statements the primary ran tell which text it parsed.
 */
class PlainStatementLiteralsTest {

    @AfterEach
    void on() {
        BoundLiterals.enabled = true;
    }

    @Test
    void textsOfOneShapeRunAsTheShapeWithTheirLiteralsBound() throws Exception {
        Map<String, Long> ran = runAndCount("jdbc:lattice:mem:plain-bound-" + System.nanoTime() + "?replicas=0");
        assertTrue(ran.getOrDefault("SELECT name FROM kv WHERE id = ?", 0L) >= 195, ran::toString);
        assertTrue(ran.getOrDefault("UPDATE kv SET name = UPPER(name) WHERE id = ?", 0L) >= 45, ran::toString);
        assertTrue(ran.size() <= 6, "only each shape's first texts run as sent: " + ran.keySet());
    }

    @Test
    void withoutBindingEachTextIsParsedOnItsOwn() throws Exception {
        BoundLiterals.enabled = false;
        Map<String, Long> ran = runAndCount("jdbc:lattice:mem:plain-sent-" + System.nanoTime() + "?replicas=0");
        assertEquals(250, ran.size(), "each text its own statement: " + ran.keySet().stream().limit(3).toList());
    }

    @Test
    void anH2ModeOtherThanH2sOwnOrPostgreSqlRunsEachTextAsSent() throws Exception {
        String primary = "jdbc:h2:mem:plain-mysql-" + System.nanoTime() + ";MODE=MySQL;DB_CLOSE_DELAY=-1";
        try {
            Map<String, Long> ran = runAndCount("jdbc:lattice:nodes?primary=" + primary);
            assertEquals(250, ran.size(), "each text its own statement: " + ran.keySet().stream().limit(3).toList());
        } finally {
            ClusterRegistry.shutdown("NODES:" + primary);
        }
    }

    @Test
    void runningAnotherStatementClosesTheResultBeforeWhicheverWayEachRan() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:lattice:mem:plain-close-" + System.nanoTime()
                + "?replicas=1&consistency=STRONG"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kv(id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO kv SELECT x, 'name ' || x FROM SYSTEM_RANGE(1, 10)");
            s.executeQuery("SELECT name FROM kv WHERE id = 1").close(); // teaches the shape
            ResultSet bound = s.executeQuery("SELECT name FROM kv WHERE id = 2");
            ResultSet sent = s.executeQuery("SELECT COUNT(*) FROM kv");
            assertTrue(bound.isClosed(), "the bound query's result closed by the next query");
            ResultSet boundAgain = s.executeQuery("SELECT name FROM kv WHERE id = 3");
            assertTrue(sent.isClosed(), "the text's result closed by the next (bound) query");
            assertTrue(boundAgain.next());
            assertEquals("name 3", boundAgain.getString(1));
            assertFalse(boundAgain.next());
            assertTrue(s.execute("SELECT name FROM kv WHERE id = 4"));
            try (ResultSet rs = s.getResultSet()) {
                assertTrue(rs.next());
                assertEquals("name 4", rs.getString(1));
            }
            assertEquals(1, s.executeUpdate("UPDATE kv SET name = 'x' WHERE id = 5"));
            assertEquals(1, s.getUpdateCount());
            SQLException missing = assertThrows(SQLException.class, () -> s.executeQuery("SELECT name FROM nope WHERE id = 6"));
            assertEquals("42S02", missing.getSQLState());
            try (ResultSet rs = s.executeQuery("SELECT name FROM kv WHERE id = 5")) {
                assertTrue(rs.next(), "the statement is still usable");
                assertEquals("x", rs.getString(1));
            }
        }
    }

    /**
     * 200 point reads and 50 updates by key through a plain Statement, each answer checked;
     * how often each H2 text on kv ran on the primary meanwhile, by H2's query statistics.
     */
    private static Map<String, Long> runAndCount(String url) throws Exception {
        Map<String, Long> ran = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE kv(id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
            s.execute("INSERT INTO kv SELECT x, CONCAT('name ', x) FROM SYSTEM_RANGE(1, 300)");
            try (Connection node = DriverManager.getConnection(cluster.primary().url(), "sa", "");
                 Statement n = node.createStatement()) {
                n.execute("SET QUERY_STATISTICS_MAX_ENTRIES 1000");
                n.execute("SET QUERY_STATISTICS TRUE");
                for (int id = 1; id <= 200; id++) {
                    try (ResultSet rs = s.executeQuery("SELECT name FROM kv WHERE id = " + id)) {
                        assertTrue(rs.next());
                        assertEquals("name " + id, rs.getString(1));
                        assertFalse(rs.next());
                    }
                }
                for (int id = 1; id <= 50; id++) {
                    assertEquals(1, s.executeUpdate("UPDATE kv SET name = UPPER(name) WHERE id = " + id));
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kv WHERE name LIKE 'NAME %'")) {
                    rs.next();
                    assertEquals(50, rs.getInt(1));
                }
                try (ResultSet rs = n.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
                    while (rs.next()) {
                        String sql = rs.getString(1);
                        if (sql.contains(" kv ") && !sql.contains("LIKE") && !sql.startsWith("INSERT")
                                && !sql.startsWith("CREATE")) {
                            ran.merge(sql, rs.getLong(2), Long::sum);
                        }
                    }
                }
                n.execute("SET QUERY_STATISTICS FALSE");
            }
        }
        return ran;
    }
}
