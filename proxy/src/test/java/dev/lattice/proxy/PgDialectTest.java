package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Over H2 the proxy speaks PostgreSQL's SQL: its types, upserts, RETURNING, functions and errors. */
class PgDialectTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("pgdialect");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        return RunningProxy.rows(c, sql);
    }

    /** After every rewrite's test: each replica holds exactly the primary's schema and rows. */
    @AfterEach
    void replicasConverge() throws Exception {
        Await.caughtUp(proxy.server.cluster(), Duration.ofSeconds(30));
        NodeChecksum.assertReplicasMatchPrimary(proxy.server.cluster(), "");
    }

    @Test
    void thePostsTableOfIssue13WorksAndItsReplicasConverge() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE posts (id serial PRIMARY KEY, author text NOT NULL, tags text[], meta jsonb, "
                    + "created timestamptz DEFAULT now(), small smallserial, body bytea)");
            try (ResultSet rs = s.executeQuery("INSERT INTO posts (author, tags, meta, body) VALUES "
                    + "(E'ann\\tlee', ARRAY['a','b'], '{\"k\": 1}', '\\x0001027f80ff'::bytea) RETURNING id, author")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertEquals("ann\tlee", rs.getString(2));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO posts (author) VALUES (?) RETURNING id")) {
                ps.setString(1, "bob");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2, rs.getInt(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT body FROM posts WHERE id = 1")) {
                assertTrue(rs.next());
                assertArrayEquals(new byte[] {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xff}, rs.getBytes(1));
            }
            String query = "SELECT id, author, tags, body FROM posts ORDER BY id";
            List<String> primary = rows(c, query);
            assertEquals(2, primary.size());
            proxy.awaitReplicasAgree(query);
        }
    }

    @Test
    void onConflictDoNothingAndDoUpdateUpsert() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kv (k int PRIMARY KEY, v text, n int)");
            s.execute("INSERT INTO kv (k, v, n) VALUES (1, 'a', 1)");
            s.execute("INSERT INTO kv (k, v, n) VALUES (1, 'x', 9) ON CONFLICT (k) DO NOTHING");
            assertEquals(List.of("1|a|1"), rows(c, "SELECT * FROM kv"));
            s.execute("INSERT INTO kv (k, v, n) VALUES (1, 'b', 5), (2, 'c', 1) "
                    + "ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = kv.n + 1");
            assertEquals(List.of("1|b|2", "2|c|1"), rows(c, "SELECT * FROM kv ORDER BY k"));
            SQLException refused = assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO kv (k, v) VALUES (1, 'z') ON CONFLICT (k) DO UPDATE SET v = excluded.v RETURNING k"));
            assertEquals("0A000", refused.getSQLState());
            assertEquals(List.of("1|b|2", "2|c|1"), rows(c, "SELECT * FROM kv ORDER BY k"), "nothing stored");
        }
    }

    @Test
    void theFunctionsClientsCallAnswer() throws Exception {
        try (Connection c = proxy.connect()) {
            List<String> r = rows(c, "SELECT version(), current_database(), current_schema(), current_user, "
                    + "current_setting('server_version_num'), 'posts'::regclass");
            assertTrue(r.get(0).startsWith("PostgreSQL 15"), r.get(0));
            assertTrue(r.get(0).endsWith("|lattice|public|lattice|150000|posts"), r.get(0));
            assertTrue(Integer.parseInt(rows(c, "SELECT pg_backend_pid()").get(0)) != 0);
            assertEquals(List.of("UTC"), rows(c, "SELECT set_config('TimeZone', 'UTC', false)"));
            SQLException e = assertThrows(SQLException.class, () -> rows(c, "SELECT current_setting('no_such')"));
            assertEquals("42704", e.getSQLState());
        }
    }

    @Test
    void errorsReadLikePostgres() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            assertError(s, "SELECT * FROM nope", "42P01", "relation \"nope\" does not exist");
            assertError(s, "SELECT 1/0", "22012", "division by zero");
            assertError(s, "SELEC 1", "42601", "syntax error at or near \"SELEC\"");
            s.execute("CREATE TABLE uniq (id int PRIMARY KEY, email text NOT NULL UNIQUE)");
            s.execute("INSERT INTO uniq VALUES (1, 'a@x')");
            assertError(s, "SELECT nosuch FROM uniq", "42703", "column \"nosuch\" does not exist");
            assertError(s, "INSERT INTO uniq VALUES (1, 'b@x')", "23505",
                    "duplicate key value violates unique constraint \"uniq_pkey\"");
            assertError(s, "INSERT INTO uniq VALUES (2, 'a@x')", "23505",
                    "duplicate key value violates unique constraint \"uniq_email_key\"");
            assertError(s, "INSERT INTO uniq VALUES (3, NULL)", "23502",
                    "null value in column \"email\" violates not-null constraint");
        }
    }

    @Test
    void truncateIsTransactionalAsInPostgresAndMaintenanceCommandsAreAnswered() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table trunc_a (id int not null, v int) with (fillfactor=90)");
            s.execute("create table trunc_b (id int primary key)");
            s.execute("insert into trunc_a values (1, 1), (2, 2)");
            s.execute("insert into trunc_b values (1)");
            s.execute("begin");
            s.execute("truncate trunc_a");
            s.execute("rollback");
            assertEquals(List.of("2"), rows(c, "select count(*) from trunc_a"), "a rolled-back TRUNCATE took nothing");
            s.execute("truncate table only trunc_a, trunc_b");
            assertEquals(List.of("0|0"), rows(c, "select (select count(*) from trunc_a), (select count(*) from trunc_b)"));
            s.execute("vacuum analyze trunc_a");
            s.execute("analyze trunc_b");
            s.execute("alter table trunc_a add primary key (id)");
            assertEquals(0, s.getUpdateCount());
            assertError(s, "truncate trunc_a cascade", "0A000", "TRUNCATE … CASCADE is not supported");
        }
    }

    @Test
    void untypedParametersTakeTheTypesPostgresInfers() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table inferred (id bigint primary key, body bytea, at timestamp, price numeric(8,2))");
            try (PreparedStatement ps = c.prepareStatement("insert into inferred (id, body, at, price) values (?, ?, ?, ?)")) {
                var meta = ps.getParameterMetaData();
                assertEquals(List.of("int8", "bytea", "timestamp", "numeric"), List.of(meta.getParameterTypeName(1),
                        meta.getParameterTypeName(2), meta.getParameterTypeName(3), meta.getParameterTypeName(4)));
            }
            try (PreparedStatement ps = c.prepareStatement("select id from inferred where body = ? and id > ?")) {
                var meta = ps.getParameterMetaData();
                assertEquals(List.of("bytea", "int8"), List.of(meta.getParameterTypeName(1), meta.getParameterTypeName(2)));
            }
            // A timestamptz written without an offset is in the session's TimeZone, in a parameter and in COPY.
            s.execute("create table zoned (id int primary key, at timestamptz)");
            s.execute("SET TIME ZONE 'Europe/Berlin'");
            try (PreparedStatement ps = c.prepareStatement("insert into zoned values (?, ?)")) {
                ps.setInt(1, 1);
                ps.setObject(2, "2020-06-01 10:00:00", java.sql.Types.OTHER); // sent with type 0
                ps.executeUpdate();
            }
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY zoned FROM STDIN",
                    new java.io.StringReader("2\t2020-06-01 10:00:00\n"));
            try (ResultSet rs = s.executeQuery("select at from zoned order by id")) {
                for (int id = 1; id <= 2; id++) {
                    assertTrue(rs.next());
                    assertEquals(java.time.Instant.parse("2020-06-01T08:00:00Z"),
                            rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), "row " + id);
                }
            }
        }
    }

    @Test
    void arraysPgjdbcBindsInBinaryAreStored() throws Exception {
        try (Connection c = proxy.connect(RunningProxy.props("prepareThreshold", "-1"));
             Statement s = c.createStatement()) {
            s.execute("create table arrays_bound (id int primary key, ints int[], names text[], bigs bigint[])");
            try (PreparedStatement ps = c.prepareStatement("insert into arrays_bound values (?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setArray(2, c.createArrayOf("int4", new Integer[] {1, null, 3}));
                ps.setArray(3, c.createArrayOf("text", new String[] {"a", "b \"c\""}));
                ps.setArray(4, c.createArrayOf("int8", new Long[] {9_000_000_000L}));
                assertEquals(1, ps.executeUpdate());
            }
            // Array results are not PostgreSQL arrays over H2 yet: the elements are read one by one.
            assertEquals(List.of("3|1|t|3|2|b \"c\"|9000000000"), rows(c, "select cardinality(ints), ints[1], "
                    + "ints[2] is null, ints[3], cardinality(names), names[2], bigs[1] from arrays_bound"));
        }
    }

    @Test
    void timeKeepsMicrosecondsAsInPostgres() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table clock (id int primary key, t time, tz timetz)");
            s.execute("alter table clock add column later time");
            s.execute("insert into clock values (1, '10:00:00.123456', '10:00:00.5+02', '23:59:59.999999')");
            assertEquals(List.of("10:00:00.123456|10:00:00.5|23:59:59.999999"),
                    rows(c, "select t, '10:00:00.5'::time, later from clock"));
        }
    }

    private static void assertError(Statement s, String sql, String state, String message) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql));
        assertEquals(state, e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().startsWith("ERROR: " + message), e.getMessage());
        assertTrue(!e.getMessage().contains("[") && !e.getMessage().contains("SQL statement"), e.getMessage());
    }

    @Test
    void resultColumnsWithoutAnAliasAreNamedAsPostgresNamesThem() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE named (a int, b text)");
            assertEquals(List.of("count", "max", "now", "?column?", "a", "upper", "int4", "case", "bool", "n"),
                    labels(c, "SELECT count(*), max(a), now(), 1 + 1, a::text, upper(b), 1::int, "
                            + "CASE WHEN a > 0 THEN 1 END, true, count(b) AS n FROM named GROUP BY a, b"));
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM named WHERE a > ?")) {
                ps.setInt(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    assertEquals("count", rs.getMetaData().getColumnLabel(1));
                    assertTrue(rs.next());
                    assertEquals(0, rs.getInt("count"));
                }
            }
        }
    }

    @Test
    void advisoryLocksKeepSessionsApartUntilUnlockOrTransactionEnd() throws Exception {
        try (Connection first = proxy.connect(); Connection second = proxy.connect()) {
            assertEquals(List.of("t"), rows(first, "SELECT pg_try_advisory_lock(7)"));
            assertEquals(List.of("f"), rows(second, "SELECT pg_try_advisory_lock(7)"));
            assertEquals(List.of("f"), rows(second, "SELECT pg_advisory_unlock(7)"), "not its lock");
            assertEquals(List.of("t"), rows(first, "SELECT pg_advisory_unlock(7)"));
            assertEquals(List.of("t"), rows(second, "SELECT pg_try_advisory_lock(7)"));
            assertEquals(List.of(""), rows(second, "SELECT pg_advisory_unlock_all()"));

            first.setAutoCommit(false);
            try (PreparedStatement lock = first.prepareStatement("SELECT pg_try_advisory_xact_lock(8)")) {
                for (int i = 0; i < 6; i++) { // past pgjdbc's prepareThreshold: a named statement, run again
                    try (ResultSet rs = lock.executeQuery()) {
                        assertTrue(rs.next());
                        assertTrue(rs.getBoolean("pg_try_advisory_xact_lock"));
                    }
                    assertEquals(List.of("f"), rows(second, "SELECT pg_try_advisory_xact_lock(8)"));
                    first.commit();
                    assertEquals(List.of("t"), rows(second, "SELECT pg_try_advisory_xact_lock(8)"),
                            "released when its transaction ended");
                }
            }
        }
    }

    private static List<String> labels(Connection c, String sql) throws SQLException {
        List<String> labels = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                labels.add(rs.getMetaData().getColumnLabel(i));
            }
        }
        return labels;
    }
}
