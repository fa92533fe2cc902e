package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.testing.PgCluster;
import java.io.File;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;

/**
 * The proxy in front of a PostgreSQL primary and two standbys (SPEC §7): psql, pgbench, pgjdbc
 * and node-postgres see PostgreSQL's own catalog, types, errors and settings, with Lattice's
 * levels and tokens on top.
 */
class PgClusterProxyTest {

    private static PgCluster pg;
    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        pg = PgCluster.start(2);
        try (Connection c = pg.connect(0); Statement s = c.createStatement()) {
            s.execute("create type mood as enum ('sad', 'ok', 'happy')");
            s.execute("create domain posint as int check (value > 0)");
            s.execute("create table owners (id serial primary key, name text not null unique)");
            s.execute("create table items (id serial primary key, owner_id int references owners(id), doc jsonb,"
                    + " tags text[], feeling mood, amount posint, created timestamptz default now())");
            s.execute("create index items_tags on items using gin (tags)");
        }
        pg.awaitReplayed(1, Duration.ofSeconds(10));
        pg.awaitReplayed(2, Duration.ofSeconds(10));
        proxy = RunningProxy.start("unused", Map.of("cluster", Map.of("url", pg.latticeUrl())));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (pg != null) {
            ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            pg.close();
        }
    }

    private static ClientProcess.Outcome psql(int port, String script) throws Exception {
        return ClientProcess.run(List.of("psql", "-X", "-P", "pager=off", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", PgCluster.USER, "-d", PgCluster.DATABASE), script, PgCluster.PASSWORD);
    }

    @Test
    void psqlDescribesTablesExactlyAsThePrimaryDoes() throws Exception {
        assumeTrue(ClientProcess.installed("psql"), "psql is not installed (apt-get install postgresql-client)");
        String script = "\\d\n\\dt\n\\d items\n\\d owners\n\\dT\n\\dD\nselect version() like 'PostgreSQL 15%' as pg15;\n";
        ClientProcess.Outcome direct = psql(pg.port(0), script);
        ClientProcess.Outcome through = psql(proxy.port(), script);
        assertEquals(0, through.exitCode(), through.output());
        assertTrue(direct.output().contains("items_tags") && direct.output().contains("jsonb"), direct.output());
        assertEquals(direct.output(), through.output());
    }

    @Test
    void pgbenchInitialisesWithCopyAndRunsTpcbInEveryQueryMode() throws Exception {
        assumeTrue(ClientProcess.installed("pgbench"), "pgbench is not installed (apt-get install postgresql-client)");
        ClientProcess.Outcome init = ClientProcess.run(List.of("pgbench", "-i", "-s", "1", "-h", "127.0.0.1", "-p",
                String.valueOf(proxy.port()), "-U", PgCluster.USER, PgCluster.DATABASE), null, PgCluster.PASSWORD);
        assertEquals(0, init.exitCode(), init.output());
        assertTrue(init.output().contains("done"), init.output());
        for (String mode : List.of("simple", "extended", "prepared")) {
            // Only the first run vacuums (and so empties pgbench_history): the history then holds every run's deltas.
            List<String> command = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-p",
                    String.valueOf(proxy.port()), "-U", PgCluster.USER, "-M", mode, "-c", "2", "-T", "5"));
            if (!mode.equals("simple")) {
                command.add("-n");
            }
            command.add(PgCluster.DATABASE);
            ClientProcess.Outcome run = ClientProcess.run(command, null, PgCluster.PASSWORD);
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("number of failed transactions: 0"), run.output());
            System.out.println("pgbench -M " + mode + " through the proxy: " + run.output().lines()
                    .filter(l -> l.startsWith("tps")).findFirst().orElse("?"));
        }
        try (Connection c = pg.connect(0); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select (select count(*) from pgbench_accounts),"
                     + " (select sum(abalance) from pgbench_accounts), (select coalesce(sum(delta), 0) from pgbench_history),"
                     + " (select count(*) from pgbench_history)")) {
            assertTrue(rs.next());
            assertEquals(100_000, rs.getLong(1), "pgbench -i copied every account through the proxy");
            assertTrue(rs.getLong(4) > 0, "transactions ran");
            assertEquals(rs.getLong(3), rs.getLong(2), "the accounts hold exactly the history's deltas");
        }
    }

    @Test
    void simpleQueriesWithStringLiteralsOfOtherTypesRunAsPostgresTypesThemEveryTime() throws Exception {
        try (Connection c = pg.connect(0); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE stamped(id uuid PRIMARY KEY, born date NOT NULL)");
            s.execute("INSERT INTO stamped SELECT ('00000000-0000-0000-0000-00000000000' || g)::uuid, "
                    + "date '2024-01-01' + g FROM generate_series(1, 5) g");
        }
        try (Connection c = proxy.connect(RunningProxy.props("preferQueryMode", "simple"));
             Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY LINEARIZABLE");
            for (int g = 1; g <= 5; g++) { // a shape's third text on would be bound over H2
                assertEquals(List.of("2024-01-0" + (1 + g)), RunningProxy.rows(c,
                        "SELECT born FROM stamped WHERE id = '00000000-0000-0000-0000-00000000000" + g + "'"));
                assertEquals(List.of("00000000-0000-0000-0000-00000000000" + g), RunningProxy.rows(c,
                        "SELECT id FROM stamped WHERE born = '2024-01-0" + (1 + g) + "'"));
            }
        }
    }

    @Test
    void postgresTypesReachPgjdbcWithTheirRealTypesAndValues() throws Exception {
        String sql = "select array[1, 2]::int[] as ints, '{x,\"y z\"}'::text[] as texts, '{\"a\": 1}'::json as j,"
                + " '{\"b\": [2]}'::jsonb as jb, interval '1 day 2 hours' as iv, 'happy'::mood as m, 5::posint as d,"
                + " 12.50::numeric(10,2) as n, timestamptz '2024-01-02 03:04:05+00' as ts, 'a'::text as t";
        List<List<String>> viaProxy = describeAndRead(proxy.connect(), sql);
        List<List<String>> direct;
        try (Connection c = pg.connect(0)) {
            direct = describeAndRead(c, sql);
        }
        assertEquals(direct, viaProxy, "the same metadata and values as from the primary, run after run"
                + " (pgjdbc asks for binary from the fifth run on)");
        List<String> first = viaProxy.get(0);
        assertTrue(first.contains("ints _int4 {1,2}") && first.contains("jb jsonb {\"b\": [2]}")
                && first.contains("m mood happy") && first.contains("iv interval 1 day 02:00:00"), first.toString());
    }

    /** Each run's columns as "label typename text", from one prepared statement run seven times. */
    private static List<List<String>> describeAndRead(Connection c, String sql) throws SQLException {
        List<List<String>> runs = new ArrayList<>();
        try (c; PreparedStatement ps = c.prepareStatement(sql)) {
            for (int run = 0; run < 7; run++) {
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    assertTrue(rs.next());
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        out.add(meta.getColumnLabel(i) + " " + meta.getColumnTypeName(i) + " " + rs.getString(i));
                    }
                    assertArrayEquals(new Integer[] {1, 2}, (Integer[]) rs.getArray(1).getArray());
                    assertArrayEquals(new String[] {"x", "y z"}, (String[]) rs.getArray(2).getArray());
                }
                runs.add(out);
            }
        }
        return runs;
    }

    @Test
    void parametersPassThroughWithTheServersTypes() throws Exception {
        try (Connection c = proxy.connect()) {
            try (PreparedStatement ps = c.prepareStatement("insert into items (doc, tags, feeling, amount)"
                    + " values (?::jsonb, ?, ?::mood, ?) returning id")) {
                ps.setString(1, "{\"k\": \"v\"}");
                ps.setArray(2, c.createArrayOf("text", new String[] {"p", "q"}));
                ps.setString(3, "ok");
                ps.setInt(4, 3);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select doc->>'k', feeling from items where tags @> ?"
                    + " and amount = ?")) {
                ps.setArray(1, c.createArrayOf("text", new String[] {"q"}));
                ps.setInt(2, 3);
                assertEquals(2, ps.getParameterMetaData().getParameterCount());
                assertEquals("_text", ps.getParameterMetaData().getParameterTypeName(1));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("v", rs.getString(1));
                    assertEquals("ok", rs.getString(2));
                }
            }
            PSQLException domain = assertThrows(PSQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("insert into items (amount) values (-1)");
                }
            });
            assertEquals("23514", domain.getSQLState());
        }
    }

    @Test
    void serverErrorsKeepSqlStateDetailAndHint() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("insert into owners (id, name) values (1, 'first') on conflict do nothing");
            PSQLException e = assertThrows(PSQLException.class,
                    () -> s.execute("insert into owners (id, name) values (1, 'again')"));
            assertEquals("23505", e.getSQLState());
            assertEquals("Key (id)=(1) already exists.", e.getServerErrorMessage().getDetail());
            assertEquals("owners_pkey", e.getServerErrorMessage().getConstraint());
            PSQLException typo = assertThrows(PSQLException.class, () -> s.executeQuery("select nme from owners"));
            assertEquals("42703", typo.getSQLState());
            assertEquals(8, typo.getServerErrorMessage().getPosition());
            assertTrue(String.valueOf(typo.getServerErrorMessage().getHint()).contains("owners.name"),
                    String.valueOf(typo.getServerErrorMessage()));
            try (ResultSet rs = s.executeQuery("select 1")) {
                assertTrue(rs.next(), "the connection still works");
            }
        }
    }

    @Test
    void levelsTokensAndReplicasAsOverH2() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY READ_YOUR_WRITES");
            s.execute("create table ryw (id int primary key, v text)");
            for (int i = 0; i < 20; i++) {
                s.execute("insert into ryw values (" + i + ", 'v" + i + "')");
                try (ResultSet rs = s.executeQuery("select v from ryw where id = " + i)) {
                    assertTrue(rs.next(), "read your write " + i);
                    assertEquals("v" + i, rs.getString(1));
                }
            }
            String token = c.unwrap(PGConnection.class).getParameterStatus("lattice_token");
            assertTrue(token != null && token.startsWith("lt2:pg-"), "lattice_token: " + token);
            int nodes = 0;
            try (ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
                while (rs.next()) {
                    nodes++;
                }
            }
            assertEquals(3, nodes, "a primary and two standbys");
        }
    }

    @Test
    void settingsAreTheServersOwn() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            PGConnection pgc = c.unwrap(PGConnection.class);
            assertTrue(pgc.getParameterStatus("server_version").startsWith("15"), pgc.getParameterStatuses().toString());
            s.execute("SET application_name = 'lattice-test'");
            assertEquals("lattice-test", pgc.getParameterStatus("application_name"));
            s.execute("SET search_path TO pg_catalog, public");
            try (ResultSet rs = s.executeQuery("SHOW search_path")) {
                assertTrue(rs.next());
                assertEquals("pg_catalog, public", rs.getString(1));
            }
            s.execute("SET TimeZone = 'Asia/Tokyo'");
            assertEquals("Asia/Tokyo", pgc.getParameterStatus("TimeZone"));
            try (ResultSet rs = s.executeQuery("select timestamptz '2024-01-01 00:00:00+00'::text")) {
                assertTrue(rs.next());
                assertEquals("2024-01-01 09:00:00+09", rs.getString(1));
            }
        }
        try (Connection c = proxy.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW search_path")) {
            assertTrue(rs.next());
            assertEquals("\"$user\", public", rs.getString(1), "a new session does not inherit another's settings");
        }
    }

    @Test
    void copyInAndOutStreamThroughThePrimary() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table copied (id int primary key, name text, tags text[])");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder data = new StringBuilder();
            for (int i = 1; i <= 5000; i++) {
                data.append(i).append('\t').append("name ").append(i).append('\t').append("{a,b}\n");
            }
            assertEquals(5000, copy.copyIn("COPY copied FROM STDIN", new StringReader(data.toString())));
            String token = c.unwrap(PGConnection.class).getParameterStatus("lattice_token");
            assertTrue(token.startsWith("lt2:pg-"), token);
            StringWriter back = new StringWriter();
            assertEquals(5000, copy.copyOut("COPY (select * from copied order by id) TO STDOUT", back));
            assertEquals(data.toString(), back.toString());
            assertThrows(PSQLException.class, () -> copy.copyIn("COPY copied FROM STDIN",
                    new StringReader("1\tdup\t{}\n")));
            try (ResultSet rs = s.executeQuery("select count(*) from copied")) {
                assertTrue(rs.next());
                assertEquals(5000, rs.getInt(1), "a failed COPY leaves nothing behind");
            }
        }
    }

    @Test
    void nodePostgresQueriesWithParametersAndParsesJsonb(@TempDir Path dir) throws Exception {
        Path node = NodePostgresTest.onPath("node");
        assumeTrue(node != null, "SKIPPED: node is not on PATH; this test needs Node.js (18 or later) and npm");
        NodePostgresTest.dir = dir;
        NodePostgresTest.installPg();
        Path log = dir.resolve("node.log");
        Process p = new ProcessBuilder(node.toString(), "pgcluster.js", String.valueOf(proxy.port()))
                .directory(Path.of("src", "test", "node").toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ok query with parameters") && out.contains("ok jsonb parsed to an object")
                && out.contains("ALL OK"), out);
    }

    @Test
    void theConsoleShowsAndPausesPostgresStandbys() throws Exception {
        try (dev.lattice.proxy.console.ConsoleServer console =
                     dev.lattice.proxy.console.ConsoleServer.start(proxy.server, "127.0.0.1", 0)) {
            ConsoleClient user = new ConsoleClient(console.port());
            assertEquals(200, user.login("lattice", "lattice").statusCode());
            Map<String, Object> cluster = user.json("/api/cluster");
            assertEquals("PostgreSQL", cluster.get("backend"));
            List<Map<String, Object>> nodes = ConsoleClient.list(cluster, "nodes");
            assertEquals(3, nodes.size(), nodes.toString());
            Map<String, Object> replica1 = ConsoleClient.node(cluster, "replica1");
            assertEquals(1L, ConsoleClient.number(replica1.get("timeline")), replica1.toString());
            assertTrue(String.valueOf(replica1.get("applied_wal")).contains("/"), replica1.toString());
            assertEquals(200, user.act("/api/replicas/replica1/pause", "").statusCode());
            // the standby's state is what the WAL poller last read: it says PAUSED at its next round
            RunningProxy.await("replica1 to show PAUSED", java.time.Duration.ofSeconds(30), () -> {
                try {
                    return "PAUSED".equals(ConsoleClient.node(user.json("/api/cluster"), "replica1").get("state"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(200, user.act("/api/replicas/replica1/resume", "").statusCode());
            RunningProxy.await("replica1 to replay again", java.time.Duration.ofSeconds(30), () -> {
                try {
                    return "ONLINE".equals(ConsoleClient.node(user.json("/api/cluster"), "replica1").get("state"));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
