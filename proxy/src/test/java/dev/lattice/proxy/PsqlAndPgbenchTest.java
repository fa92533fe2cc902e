package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian's psql and pgbench, the real command-line clients, through the proxy over loopback. */
class PsqlAndPgbenchTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("cli");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void psqlScriptCreatesInsertsSelectsSetsALevelAndRecoversFromAnError() throws Exception {
        assumeTrue(ClientProcess.installed("psql"), "psql is not installed (apt-get install postgresql-client)");
        String script = """
                create table psql1 (id int primary key, name varchar(20));
                insert into psql1 values (1, 'alpha'), (2, 'beta');
                select name from psql1 order by id;
                SET CONSISTENCY READ_YOUR_WRITES;
                SHOW CONSISTENCY;
                SHOW REPLICAS;
                select * from no_such_table;
                CREATE TABLE posts (id serial PRIMARY KEY, author text NOT NULL, tags text[], meta jsonb, created timestamptz DEFAULT now());
                insert into posts (author, tags, meta) values (E'ann\\tlee', ARRAY['x'], '{"a": 1}') returning id, author;
                select version(), current_database(), pg_backend_pid() > 0 as pid, current_setting('server_version_num');
                begin;
                insert into psql1 values (3, 'gamma');
                insert into psql1 values (1, 'duplicate');
                select 'ignored';
                rollback;
                select count(*) as n from psql1;
                """;
        ClientProcess.Outcome o = ClientProcess.run(List.of("psql", "-X", "-h", "127.0.0.1", "-p",
                String.valueOf(proxy.port()), "-U", "lattice", "-d", "lattice", "-v", "ON_ERROR_STOP=0"), script, "lattice");
        String out = o.output();
        assertEquals(0, o.exitCode(), out);
        assertTrue(out.contains("CREATE TABLE"), out);
        assertTrue(out.contains("INSERT 0 2"), out);
        assertTrue(out.contains("alpha") && out.contains("beta"), out);
        assertTrue(out.contains("READ_YOUR_WRITES"), out);
        assertTrue(out.contains("replica1") && out.contains("replica2"), out);
        assertTrue(out.contains("ERROR:  relation \"no_such_table\" does not exist"), out);
        assertTrue(out.contains("| ann     lee") && out.contains("INSERT 0 1"), "the issue-13 posts table works: " + out);
        assertTrue(out.contains("PostgreSQL 15") && out.contains("150000"), out);
        assertTrue(out.contains("current transaction is aborted"), out);
        assertTrue(out.contains("ROLLBACK"), out);
        assertTrue(out.matches("(?s).*\\n\\s+2\\n\\(1 row\\).*"), "the rolled-back rows are gone: " + out);
    }

    @Test
    void psqlWithAWrongPasswordIsRefused() throws Exception {
        assumeTrue(ClientProcess.installed("psql"));
        ClientProcess.Outcome o = ClientProcess.run(List.of("psql", "-X", "-h", "127.0.0.1", "-p",
                String.valueOf(proxy.port()), "-U", "lattice", "-d", "lattice", "-c", "select 1"), null, "wrong");
        assertTrue(o.exitCode() != 0, o.output());
        assertTrue(o.output().contains("password authentication failed"), o.output());
    }

    /**
     * pgbench's own initialisation (COPY, TRUNCATE, VACUUM, storage parameters, primary keys) and
     * its built-in TPC-B-like transaction in every protocol mode: each run starts by emptying
     * pgbench_history, so what the run added to every balance must equal the sum of its deltas.
     */
    @Test
    void pgbenchInitialisesAndRunsTpcbInEveryModeWithBalancedAccounts() throws Exception {
        assumeTrue(ClientProcess.installed("pgbench"), "pgbench is not installed (apt-get install postgresql-client)");
        ClientProcess.Outcome init = ClientProcess.run(List.of("pgbench", "-i", "-s", "1", "-h", "127.0.0.1", "-p",
                String.valueOf(proxy.port()), "-U", "lattice", "lattice"), null, "lattice");
        assertEquals(0, init.exitCode(), init.output());
        assertTrue(init.output().contains("100000 of 100000 tuples (100%) done"), init.output());
        assertEquals(List.of(100000L, 10L, 1L, 0L), balances("select count(*) from pgbench_accounts",
                "select count(*) from pgbench_tellers", "select count(*) from pgbench_branches",
                "select count(*) from pgbench_history"));
        for (String mode : List.of("simple", "extended", "prepared")) {
            List<Long> before = balances(BALANCES);
            ClientProcess.Outcome run = ClientProcess.run(List.of("pgbench", "-h", "127.0.0.1", "-p",
                    String.valueOf(proxy.port()), "-U", "lattice", "-M", mode, "-c", "2", "-t", "100", "lattice"),
                    null, "lattice");
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("number of transactions actually processed: 200/200"), run.output());
            List<Long> after = balances(BALANCES);
            long deltas = after.get(3);
            assertEquals(200, after.get(4), mode + ": one history row a transaction");
            for (int i = 0; i < 3; i++) {
                assertEquals(deltas, after.get(i) - before.get(i), mode + ": " + BALANCES[i] + " moved by the deltas");
            }
        }
    }

    private static final String[] BALANCES = {"select sum(abalance) from pgbench_accounts",
        "select sum(tbalance) from pgbench_tellers", "select sum(bbalance) from pgbench_branches",
        "select coalesce(sum(delta), 0) from pgbench_history", "select count(*) from pgbench_history"};

    /** One number per query, read by a new session at LINEARIZABLE: every acknowledged write. */
    private static List<Long> balances(String... queries) throws Exception {
        List<Long> values = new java.util.ArrayList<>();
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY LINEARIZABLE");
            for (String q : queries) {
                try (ResultSet rs = s.executeQuery(q)) {
                    assertTrue(rs.next());
                    values.add(rs.getLong(1));
                }
            }
        }
        return values;
    }

    @ParameterizedTest(name = "pgbench -M {0}")
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void pgbenchRunsACustomScript(String mode, @TempDir Path dir) throws Exception {
        assumeTrue(ClientProcess.installed("pgbench"), "pgbench is not installed (apt-get install postgresql-client)");
        String table = "pgb_" + mode;
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table " + table + " (id int primary key, v int)");
            s.execute("insert into " + table + " select x, 0 from system_range(1, 100) r(x)");
        }
        Path script = Files.writeString(dir.resolve("script.sql"), """
                \\set id random(1, 100)
                select v from %s where id = :id;
                update %s set v = v + 1 where id = :id;
                """.formatted(table, table));
        ClientProcess.Outcome o = ClientProcess.run(List.of("pgbench", "-n", "-h", "127.0.0.1", "-p",
                String.valueOf(proxy.port()), "-U", "lattice", "-f", script.toString(), "-M", mode, "-c", "2",
                "-t", "200", "lattice"), null, "lattice");
        assertEquals(0, o.exitCode(), o.output());
        assertTrue(o.output().contains("number of transactions actually processed: 400/400"), o.output());
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            // A new session has no causal history: read what every acknowledged update wrote.
            s.execute("SET CONSISTENCY LINEARIZABLE");
            try (ResultSet rs = s.executeQuery("select sum(v) from " + table)) {
                assertTrue(rs.next());
                assertEquals(400, rs.getInt(1), "every update of the run was applied");
            }
        }
    }
}
