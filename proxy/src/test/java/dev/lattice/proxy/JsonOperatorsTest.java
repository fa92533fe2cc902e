package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.PgCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * json and jsonb through the proxy over H2 answer what PostgreSQL 15 answers for the same rows:
 * string literals become JSON documents (not JSON strings), the operators {@code ->}, {@code ->>},
 * {@code #>}, {@code #>>} read them in SELECT lists and WHERE clauses, a write that uses them
 * reaches the replicas, and a form the proxy cannot rewrite faithfully is refused (0A000).
 */
class JsonOperatorsTest {

    /** Where the proxy's answers may differ from PostgreSQL 15's. */
    static final List<String> DIFFERENCES = List.of(
            "a json value is printed as H2 keeps it: without the blanks jsonb puts after ':' and ','",
            "jsonb sorts an object's keys; H2 keeps them as written, so whole documents are compared with one key");

    static final String SCHEMA = """
            CREATE TABLE docs (id int PRIMARY KEY, meta jsonb, raw json, note text);
            INSERT INTO docs VALUES (1, '{"title": "Intro", "tags": ["a", "b"], "n": 3, "nested": {"k": "v"},
                "nul": null, "say": "it''s"}', '{"x": [10, 20]}', 'first');
            INSERT INTO docs (id, raw, meta, note) VALUES (2, '[1, "two", {"three": 3}]',
                '{"title": "Next", "tags": [], "n": 4.5, "flag": true}', '{"not":"json"}'), (3, NULL, NULL, NULL);
            INSERT INTO docs (id, meta) VALUES (4, '{"title": "Cast"}'::jsonb), (5, CAST('{"title": "Other"}' AS jsonb));
            UPDATE docs SET raw = '{"set": [1]}' WHERE id = 3
            """;

    private static PgCluster pg;
    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        pg = PgCluster.start(0);
        proxy = RunningProxy.start("jsonops");
        proxy.runBeside(pg, List.of(SCHEMA.split(";\n")));
    }

    @AfterAll
    static void stop() {
        RunningProxy.closeBoth(proxy, pg);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "SELECT id, meta->>'title', meta->'title', meta->>'n', meta->'n', meta->>'flag', meta->>'nul' IS NULL,"
            + " meta->>'say', meta->>'missing' FROM docs ORDER BY id",
        "SELECT id, meta->'tags'->>0, meta->'tags'->>-1, meta->'tags'->>5, meta->'nested'->>'k', meta->>0"
            + " FROM docs ORDER BY id",
        "SELECT id, meta #>> '{nested,k}', meta #>> '{tags,1}', meta #> '{nested,k}', raw #>> '{2,three}',"
            + " raw->1, raw->>-1 IS NULL, raw->'x'->>1 FROM docs ORDER BY id",
        "SELECT id FROM docs WHERE meta->>'title' = 'Next'",
        "SELECT id FROM docs WHERE meta->'tags'->>0 = 'a' AND (meta->>'n')::numeric < 4",
        "SELECT id, note FROM docs WHERE (meta->>'n')::numeric > 3.5 OR meta->>'title' LIKE 'C%' ORDER BY id",
        "SELECT count(*) FROM docs WHERE meta->>'title' IS NOT NULL",
        "SELECT id, meta, raw FROM docs WHERE id IN (3, 4, 5) ORDER BY id",
        "SELECT id FROM docs WHERE meta = '{\"title\": \"Cast\"}'",
        "SELECT id FROM docs WHERE meta <> '{\"title\": \"Cast\"}' ORDER BY id",
        "SELECT '{\"a\": {\"b\": [7, 8]}}'::jsonb #>> '{a,b,1}', '[5, 6]'::json->>1, '{\"a\": 1}'::jsonb->'a'"})
    void answersWhatPostgres15Answers(String query) throws Exception {
        List<String> postgres;
        try (Connection c = pg.connect(0)) {
            postgres = RunningProxy.rows(c, query);
        }
        List<String> proxied;
        try (Connection c = proxy.connect()) {
            proxied = RunningProxy.rows(c, query);
        }
        // DIFFERENCES[0]: the same values, printed without jsonb's blanks
        List<String> expected = postgres.stream().map(r -> r.replace("\": ", "\":").replace(", ", ",")).toList();
        assertEquals(expected, proxied, query);
    }

    @Test
    void anArrowResultIsJsonAndATextArrowResultIsText() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT meta->'nested', meta->>'nested', meta->'title' AS t FROM docs WHERE id = 1")) {
            assertEquals("json", rs.getMetaData().getColumnTypeName(1));
            // as every character string over H2 (a text column too): varchar, where PostgreSQL says text
            assertEquals("varchar", rs.getMetaData().getColumnTypeName(2));
            assertEquals(List.of("?column?", "?column?", "t"), List.of(rs.getMetaData().getColumnLabel(1),
                    rs.getMetaData().getColumnLabel(2), rs.getMetaData().getColumnLabel(3)));
            assertTrue(rs.next());
            assertEquals("{\"k\":\"v\"}", rs.getString(1));
            assertEquals("{\"k\":\"v\"}", rs.getString(2));
            assertEquals("\"Intro\"", rs.getString(3));
        }
    }

    @Test
    void aWriteThatReadsJsonDoesWhatItDoesInPostgresAndReachesTheReplicas() throws Exception {
        String[] writes = {
            "CREATE TABLE docs_w (id int PRIMARY KEY, meta jsonb, raw json, note text)",
            "INSERT INTO docs_w SELECT * FROM docs",
            "UPDATE docs_w SET note = 'tagged a' WHERE meta->'tags'->>0 = 'a'",
            "UPDATE docs_w SET raw = meta->'nested', meta = '{\"title\": \"Renamed\"}' WHERE meta->>'title' = 'Intro'",
            "INSERT INTO docs_w (id, meta) VALUES (6, '{\"title\": \"Up\"}') ON CONFLICT (id) DO UPDATE SET meta = excluded.meta",
            "INSERT INTO docs_w (id, meta) VALUES (6, '{\"title\": \"Up2\"}') ON CONFLICT (id) DO UPDATE SET meta = excluded.meta",
            "DELETE FROM docs_w WHERE meta #>> '{title}' = 'Other'"};
        String query = "SELECT id, meta->>'title', raw->>'k', note FROM docs_w ORDER BY id";
        List<String> postgres;
        try (Connection c = pg.connect(0); Statement s = c.createStatement()) {
            for (String w : writes) {
                s.execute(w);
            }
            postgres = RunningProxy.rows(c, query);
        }
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            for (String w : writes) {
                s.execute(w);
            }
            assertEquals(postgres, RunningProxy.rows(c, query));
        }
        assertTrue(postgres.contains("1|Renamed|v|tagged a") && postgres.contains("6|Up2|null|null"), postgres.toString());
        proxy.awaitReplicasAgree("SELECT id, CAST(meta AS VARCHAR), CAST(raw AS VARCHAR), note FROM docs_w ORDER BY id");
    }

    @Test
    void aCastToJsonOfAColumnOrAParameterParsesItsTextAsPostgresDoes() throws Exception {
        String[] writes = {
            "CREATE TABLE docs_c (id int PRIMARY KEY, t text, meta jsonb)",
            "INSERT INTO docs_c VALUES (1, '{\"a\": 1}', NULL), (2, '[3, 4]', NULL), (3, NULL, NULL)",
            "UPDATE docs_c SET meta = t::jsonb WHERE id = 1",
            "UPDATE docs_c SET meta = CAST(t AS jsonb) WHERE id = 2",
            "UPDATE docs_c SET meta = (t)::text::jsonb WHERE id = 3"};
        String viaParameter = "INSERT INTO docs_c (id, meta) VALUES (4, ?::jsonb)";
        String read = "SELECT id, meta->>'a', meta->>1 FROM docs_c ORDER BY id";
        List<String> postgres;
        try (Connection c = pg.connect(0); Statement s = c.createStatement()) {
            for (String w : writes) {
                s.execute(w);
            }
            try (PreparedStatement ps = c.prepareStatement(viaParameter)) {
                ps.setString(1, "{\"a\": 5}");
                ps.executeUpdate();
            }
            postgres = RunningProxy.rows(c, read);
        }
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            for (String w : writes) {
                s.execute(w);
            }
            try (PreparedStatement ps = c.prepareStatement(viaParameter)) {
                ps.setString(1, "{\"a\": 5}");
                ps.executeUpdate();
            }
            assertEquals(postgres, RunningProxy.rows(c, read), "the text became a JSON document, not a JSON string");
        }
        assertEquals(List.of("1|1|null", "2|null|4", "3|null|null", "4|5|null"), postgres);
        proxy.awaitReplicasAgree("SELECT id, CAST(meta AS VARCHAR) FROM docs_c ORDER BY id");
    }

    @Test
    void formsThatCannotBeRewrittenAreRefused() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            for (String sql : List.of("SELECT meta->>note FROM docs", "SELECT meta #>> ARRAY['a'] FROM docs",
                    "SELECT note || meta->>'title' FROM docs", "SELECT meta->>'n'::int FROM docs",
                    "SELECT id FROM docs WHERE meta @> '{\"n\": 3}'", "SELECT id FROM docs WHERE meta ? 'title'")) {
                SQLException e = assertThrows(SQLException.class, () -> RunningProxy.rows(c, sql), sql);
                assertEquals("0A000", e.getSQLState(), sql + ": " + e.getMessage());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT meta->>? FROM docs")) {
                ps.setString(1, "title");
                SQLException e = assertThrows(SQLException.class, ps::executeQuery);
                assertEquals("0A000", e.getSQLState(), e.getMessage());
            }
        }
    }
}
