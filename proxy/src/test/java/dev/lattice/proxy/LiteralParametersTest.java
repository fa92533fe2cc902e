package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Simple queries whose every literal is a key value run on H2 as their shape's text with the
 * literals bound, so H2 parses the shape once; they answer exactly as the text with its literals
 * would. H2's own statistics of the statements each node ran tell which text it parsed.
 */
class LiteralParametersTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("literals");
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kv(id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
            s.execute("CREATE TABLE named(code VARCHAR(20) PRIMARY KEY, n BIGINT NOT NULL)");
            s.execute("INSERT INTO kv SELECT x, 'name ' || x FROM system_range(1, 300) r(x)");
            s.execute("INSERT INTO named VALUES ('a', 1), ('it''s', 2), ('b', 3000000000)");
            s.execute("CREATE TABLE stamped(id UUID PRIMARY KEY, born DATE NOT NULL)");
            s.execute("INSERT INTO stamped SELECT CAST('00000000-0000-0000-0000-00000000000' || x AS UUID), "
                    + "DATEADD(DAY, x, DATE '2024-01-01') FROM system_range(1, 5) r(x)");
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void pointReadsOfOneShapeAreParsedOnceAndAnswerAsTheirTexts() throws Exception {
        Map<String, Long> ran = runAndCountStatements("SELECT name FROM kv WHERE id = ", "");
        assertTrue(ran.getOrDefault("SELECT name FROM kv WHERE id = ?", 0L) >= 195, ran::toString);
        assertTrue(ran.size() <= 3, "only the shape's first texts run as sent: " + ran);
    }

    @Test
    void aShapeWithALiteralThatIsNoKeyValueRunsEachTextAsSent() throws Exception {
        Map<String, Long> ran = runAndCountStatements("SELECT name, 7 AS seven FROM kv WHERE id = ", "");
        assertEquals(200, ran.size(), "each text parsed by H2: " + ran.keySet().stream().limit(3).toList());
    }

    @Test
    void boundLiteralsOfEveryKindFindWhatTheirTextsFind() throws Exception {
        try (Connection c = proxy.connect(RunningProxy.props("preferQueryMode", "simple"));
             Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY STRONG");
            for (int round = 0; round < 3; round++) { // the first texts teach the shapes; then they are bound
                assertEquals(List.of("1"), RunningProxy.rows(c, "SELECT n FROM named WHERE code = 'a'"));
                assertEquals(List.of("2"), RunningProxy.rows(c, "SELECT n FROM named WHERE code = 'it''s'"));
                assertEquals(List.of(), RunningProxy.rows(c, "SELECT n FROM named WHERE code = 'zz'"));
                assertEquals(List.of("b"), RunningProxy.rows(c, "SELECT code FROM named WHERE n = 3000000000"));
                assertEquals(List.of(), RunningProxy.rows(c, "SELECT code FROM named WHERE n = 3000000001"));
                assertEquals(List.of("name 4", "name 5"),
                        RunningProxy.rows(c, "SELECT name FROM kv WHERE id IN (4, 5, 999) ORDER BY id"));
                assertEquals(List.of(), RunningProxy.rows(c, "SELECT name FROM kv WHERE id = 99999999999"));
                assertEquals(List.of("2024-01-0" + (2 + round)), RunningProxy.rows(c,
                        "SELECT born FROM stamped WHERE id = '00000000-0000-0000-0000-00000000000" + (1 + round) + "'"));
                assertEquals(List.of("00000000-0000-0000-0000-00000000000" + (1 + round)), RunningProxy.rows(c,
                        "SELECT id FROM stamped WHERE born = '2024-01-0" + (2 + round) + "'"));
                assertEquals(1, s.executeUpdate("INSERT INTO kv(id, name) SELECT " + (1000 + round) + ", 'x'"));
                assertEquals(1, s.executeUpdate("DELETE FROM kv WHERE id = " + (1000 + round)));
            }
        }
    }

    @Test
    void aBoundTextFailsAsTheTextAsSentWouldAndTheSessionGoesOn() throws Exception {
        try (Connection c = proxy.connect(RunningProxy.props("preferQueryMode", "simple"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ids(id INT PRIMARY KEY)");
            s.execute("INSERT INTO ids VALUES (1), (2), (3)");
            for (int id = 1; id <= 3; id++) { // the third text of each shape is bound
                int shown = id;
                SQLException missing = assertThrows(SQLException.class,
                        () -> s.executeQuery("SELECT v FROM missing WHERE id = " + shown));
                assertEquals("42P01", missing.getSQLState());
                assertEquals("ERROR: relation \"missing\" does not exist", missing.getMessage());
                SQLException duplicate = assertThrows(SQLException.class,
                        () -> s.executeUpdate("INSERT INTO ids VALUES (" + shown + ")"));
                assertEquals("23505", duplicate.getSQLState());
                assertEquals("ERROR: duplicate key value violates unique constraint \"ids_pkey\"", duplicate.getMessage());
            }
            assertEquals(List.of("name 3"), RunningProxy.rows(c, "SELECT name FROM kv WHERE id = 3"), "still usable");
        }
    }

    /**
     * Runs 200 simple queries {@code prefix + id + suffix} (ids 1 to 200) and checks each answer;
     * returns how often each H2 text ran on the nodes meanwhile, by H2's query statistics.
     */
    private static Map<String, Long> runAndCountStatements(String prefix, String suffix) throws Exception {
        Cluster cluster = proxy.server.cluster();
        List<String> urls = new ArrayList<>(List.of(cluster.primary().url()));
        for (Replica r : cluster.h2().replicas()) {
            urls.add(r.node().url());
        }
        statistics(urls, "SET QUERY_STATISTICS FALSE");
        statistics(urls, "SET QUERY_STATISTICS_MAX_ENTRIES 1000");
        statistics(urls, "SET QUERY_STATISTICS TRUE");
        try (Connection c = proxy.connect(RunningProxy.props("preferQueryMode", "simple"))) {
            try (Statement s = c.createStatement()) {
                s.execute("SET CONSISTENCY LINEARIZABLE");
            }
            for (int id = 1; id <= 200; id++) {
                List<String> rows = RunningProxy.rows(c, prefix + id + suffix);
                assertEquals("name " + id, rows.get(0).split("\\|")[0], rows::toString);
            }
        }
        Map<String, Long> ran = new HashMap<>();
        for (String url : urls) {
            try (Connection n = DriverManager.getConnection(url, "sa", "");
                 Statement s = n.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sql_statement, execution_count FROM information_schema.query_statistics")) {
                while (rs.next()) {
                    String sql = rs.getString(1);
                    if (sql.contains(" FROM kv ")) {
                        ran.merge(sql, rs.getLong(2), Long::sum);
                    }
                }
            }
        }
        statistics(urls, "SET QUERY_STATISTICS FALSE");
        return ran;
    }

    private static void statistics(List<String> urls, String setting) throws SQLException {
        for (String url : urls) {
            try (Connection n = DriverManager.getConnection(url, "sa", ""); Statement s = n.createStatement()) {
                s.execute(setting);
            }
        }
    }
}
