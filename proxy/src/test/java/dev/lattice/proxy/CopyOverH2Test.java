package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;

/**
 * {@code COPY … FROM STDIN / TO STDOUT} through the proxy over its H2 cluster: psql's {@code \copy}
 * and pgjdbc's CopyManager, text and CSV, one transaction per COPY that replicates like any
 * other, and a bad row failing the whole COPY with its line.
 */
class CopyOverH2Test {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("copy");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static ClientProcess.Outcome psql(String script) throws Exception {
        return ClientProcess.run(List.of("psql", "-X", "-h", "127.0.0.1", "-p", String.valueOf(proxy.port()),
                "-U", "lattice", "-d", "lattice", "-v", "ON_ERROR_STOP=0"), script, "lattice");
    }

    /** Everything acknowledged, read by a new session (no causal history of its own). */
    private static long count(String table) throws SQLException {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY LINEARIZABLE");
            try (ResultSet rs = s.executeQuery("select count(*) from " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static CopyManager copyManager(Connection c) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI();
    }

    @Test
    void psqlCopiesInAndOutInTextAndCsvWithAHeader(@TempDir Path dir) throws Exception {
        assumeTrue(ClientProcess.installed("psql"), "psql is not installed (apt-get install postgresql-client)");
        Path text = Files.writeString(dir.resolve("in.txt"), "1\talpha\t2020-01-02\n2\t\\N\t2021-03-04\n"
                + "3\ttab\\there\t\\N\n");
        Path csv = Files.writeString(dir.resolve("in.csv"), "id,name,born\n4,\"a,b\",2020-01-01\n5,,\n"
                + "6,\"two\nlines\",2022-02-02\n");
        ClientProcess.Outcome o = psql("""
                create table copy_psql (id int primary key, name text, born date);
                \\copy copy_psql from '%s'
                \\copy copy_psql from '%s' with (format csv, header true)
                \\echo ---text
                \\copy copy_psql to stdout
                \\echo ---csv
                \\copy (select id, name from copy_psql where id >= 4 order by id) to stdout csv header
                \\echo ---end
                """.formatted(text, csv));
        String out = o.output();
        assertEquals(0, o.exitCode(), out);
        assertTrue(out.contains("COPY 3\nCOPY 3\n"), "two COPY FROM STDIN of three rows each: " + out);
        assertTrue(out.contains("""
                ---text
                1\talpha\t2020-01-02
                2\t\\N\t2021-03-04
                3\ttab\\there\t\\N
                4\ta,b\t2020-01-01
                5\t\\N\t\\N
                6\ttwo\\nlines\t2022-02-02
                ---csv
                id,name
                4,"a,b"
                5,
                6,"two
                lines"
                ---end"""), out);
        assertEquals(6, count("copy_psql"));
    }

    @Test
    void aBadRowFailsTheWholeCopyWithItsLineAndNothingIsApplied(@TempDir Path dir) throws Exception {
        assumeTrue(ClientProcess.installed("psql"), "psql is not installed (apt-get install postgresql-client)");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 1500; i++) {
            rows.append(i).append('\t').append("row ").append(i).append('\n');
        }
        // Past the first batch of inserts: the rows before it were written, and must go with the COPY.
        Path duplicate = Files.writeString(dir.resolve("dup.txt"), rows + "7\tagain\n");
        Path malformed = Files.writeString(dir.resolve("bad.txt"), "1\tone\n2\ttwo\nthree\t3\n");
        Path shortRow = Files.writeString(dir.resolve("short.txt"), "1\tone\n2\n");
        ClientProcess.Outcome o = psql("""
                create table copy_bad (id int primary key, name text);
                \\copy copy_bad from '%s'
                \\copy copy_bad from '%s'
                \\copy copy_bad from '%s'
                select 'still usable' as session;
                """.formatted(duplicate, malformed, shortRow));
        String out = o.output();
        assertTrue(out.contains("ERROR:  duplicate key value violates unique constraint")
                && out.contains("CONTEXT:  COPY copy_bad, line 1501\n"), out);
        assertTrue(out.contains("ERROR:  invalid input syntax for type integer: \"three\"")
                && out.contains("CONTEXT:  COPY copy_bad, line 3, column id: \"three\""), out);
        assertTrue(out.contains("ERROR:  missing data for column \"name\"")
                && out.contains("CONTEXT:  COPY copy_bad, line 2"), out);
        assertTrue(out.contains("still usable"), out);
        assertEquals(0, count("copy_bad"), "a COPY that failed leaves no row behind");
    }

    @Test
    void replicasConvergeAfterACopy() throws Exception {
        Cluster cluster = proxy.server.cluster();
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table copy_replicated (id int primary key, name varchar(20), price numeric(8,2), "
                    + "seen timestamp, flag boolean, body bytea)");
            StringBuilder data = new StringBuilder();
            for (int i = 1; i <= 2500; i++) {
                data.append(i).append(",\"name ").append(i).append("\",").append(i).append(".25,2024-01-02 03:04:05,")
                        .append(i % 2 == 0).append(",\\x0a0b").append('\n');
            }
            long lsn = cluster.committedLsn();
            long copied = copyManager(c).copyIn("COPY copy_replicated FROM STDIN (FORMAT csv)",
                    new StringReader(data.toString()));
            assertEquals(2500, copied);
            assertEquals(lsn + 1, cluster.committedLsn(), "the COPY committed as one transaction");
        }
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        TreeMap<String, String> primary;
        try (Connection p = cluster.primary().connect()) {
            primary = userTables(NodeChecksum.of(p));
        }
        assertTrue(primary.keySet().stream().anyMatch(k -> k.endsWith("copy_replicated")), primary.toString());
        for (String replica : List.of("replica1", "replica2")) {
            try (Connection r = cluster.replica(replica).node().connect()) {
                assertEquals(primary, userTables(NodeChecksum.of(r)), replica + " holds what the primary holds");
            }
        }
    }

    @Test
    void copyToStdoutWritesPostgresTextAndCsvFormats() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table copy_out (id int primary key, note text, ok boolean, body bytea)");
            s.execute("insert into copy_out values (1, 'a;b', true, '\\x00ff'::bytea), (2, null, false, null), "
                    + "(3, 'say \"hi\"', null, null)");
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            assertEquals(3, copyManager(c).copyOut("COPY copy_out TO STDOUT", text));
            assertEquals("1\ta;b\tt\t\\\\x00ff\n2\t\\N\tf\t\\N\n3\tsay \"hi\"\t\\N\t\\N\n",
                    text.toString(StandardCharsets.UTF_8));
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            copyManager(c).copyOut("COPY copy_out (id, note) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', "
                    + "NULL 'NULL', QUOTE '''')", csv);
            assertEquals("id;note\n1;'a;b'\n2;NULL\n3;say \"hi\"\n", csv.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void copyOptionsInBothSyntaxesAndBadOnesAreRefusedClearly() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table copy_opts (id int, name text)");
            CopyManager copy = copyManager(c);
            assertEquals(2, copy.copyIn("COPY copy_opts FROM STDIN WITH CSV HEADER DELIMITER AS '|' NULL AS 'none'",
                    new StringReader("id|name\n1|none\n2|\"x|y\"\n")));
            assertEquals(1, copy.copyIn("COPY copy_opts (name, id) FROM STDIN (FORMAT text, DELIMITER ',', FREEZE on)",
                    new StringReader("three,3\n\\.\nignored after the end marker\n")));
            org.postgresql.copy.CopyIn cancelled = copy.copyIn("COPY copy_opts FROM STDIN");
            byte[] row = "9\tcancelled\n".getBytes(StandardCharsets.UTF_8);
            cancelled.writeToCopy(row, 0, row.length);
            cancelled.cancelCopy(); // CopyFail: nothing of it stays
            try (ResultSet rs = s.executeQuery("select id, coalesce(name, '<null>') from copy_opts order by id")) {
                StringBuilder rows = new StringBuilder();
                while (rs.next()) {
                    rows.append(rs.getInt(1)).append('=').append(rs.getString(2)).append(';');
                }
                assertEquals("1=<null>;2=x|y;3=three;", rows.toString());
            }
            assertSqlState("42601", () -> copy.copyIn("COPY copy_opts FROM STDIN WITH (bogus true)",
                    new StringReader("")));
            assertSqlState("22023", () -> copy.copyIn("COPY copy_opts FROM STDIN WITH (FORMAT xml)",
                    new StringReader("")));
            assertSqlState("0A000", () -> copy.copyIn("COPY copy_opts FROM STDIN WITH (FORMAT binary)",
                    new StringReader("")));
            assertSqlState("0A000", () -> copy.copyIn("COPY copy_opts FROM STDIN WITH (QUOTE '\"')",
                    new StringReader("")));
            assertSqlState("42P01", () -> copy.copyIn("COPY no_such_table FROM STDIN", new StringReader("")));
            assertSqlState("22P04", () -> copy.copyIn("COPY copy_opts FROM STDIN", new StringReader("1\ta\textra\n")));
            try (ResultSet rs = s.executeQuery("select count(*) from copy_opts")) {
                rs.next();
                assertEquals(3, rs.getInt(1), "the connection is usable and the failed COPYs left nothing");
            }
        }
    }

    @Test
    void aFailedCopyInsideATransactionAbortsItAsPostgresDoes() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table copy_tx (id int primary key)");
            c.setAutoCommit(false);
            s.execute("insert into copy_tx values (100)");
            assertEquals(2, copyManager(c).copyIn("COPY copy_tx FROM STDIN", new StringReader("1\n2\n")));
            assertSqlState("23505", () -> copyManager(c).copyIn("COPY copy_tx FROM STDIN", new StringReader("3\n1\n")));
            assertSqlState("25P02", () -> s.executeQuery("select 1"));
            c.rollback();
            c.setAutoCommit(true);
        }
        assertEquals(0, count("copy_tx"), "the rolled-back transaction's rows, COPY's included, are gone");
    }

    /** The user's tables only: H2's own schemas differ from node to node (sessions, statistics). */
    private static TreeMap<String, String> userTables(TreeMap<String, String> sums) {
        sums.keySet().removeIf(table -> !table.startsWith("public."));
        return sums;
    }

    private interface Failing {
        void run() throws Exception;
    }

    private static void assertSqlState(String state, Failing f) {
        PSQLException e = assertThrows(PSQLException.class, f::run);
        assertEquals(state, e.getSQLState(), e.getMessage());
    }
}
