package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.PgCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * psql 15's {@code \d} family through the proxy over H2 prints what it prints in front of
 * PostgreSQL 15 for the same schema (a serial key, a foreign key, an index, a view, a sequence, a
 * jsonb column), line by line. Where the two must differ, {@link #DIFFERENCES} says so and the
 * comparison makes exactly that allowance, nothing more.
 */
class PsqlCatalogTest {

    /** Every way the proxy's output over H2 is allowed to differ from PostgreSQL 15's. */
    static final List<String> DIFFERENCES = List.of(
            "a jsonb column is an H2 JSON column (the proxy rewrites jsonb to JSON): its type prints as json",
            "\\l lists only the proxy's own database; PostgreSQL also lists postgres, template0 and template1",
            "\\du lists only the session's role; PostgreSQL also lists its bootstrap superuser postgres",
            "\\d+ of a view prints the view's query as H2 keeps it, not as PostgreSQL deparses it",
            "sizes (\\dt+, \\di+, \\l+, ...) are what H2's DISK_SPACE_USED says of a table (0 bytes on an in-memory"
                    + " node), and 0 bytes for an index, a view or a sequence, whose size H2 does not tell",
            "\\dS lists the user's relations only; PostgreSQL also lists pg_catalog's and information_schema's");

    static final String SCHEMA = """
            CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE posts (id serial PRIMARY KEY, author_id integer NOT NULL REFERENCES authors(id),
                title varchar(200) NOT NULL, body jsonb, created timestamp DEFAULT now(), score numeric(10,2) DEFAULT 0);
            CREATE INDEX posts_title_idx ON posts (title);
            CREATE VIEW recent_posts AS SELECT id, title FROM posts;
            CREATE SEQUENCE tickets;
            """;

    /** A table of every everyday column type, for information_schema.columns. */
    static final String KINDS = """
            CREATE TABLE kinds (a text, b varchar(10), c timestamptz, d int[], e bigint, f numeric(5,2), g bool,
                h bytea, i date, j uuid, k double precision, l real, m smallint, n char(3), o time, p text[])""";

    private static PgCluster pg;
    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        pg = PgCluster.start(0);
        proxy = RunningProxy.start("psqlcatalog");
        List<String> schema = new java.util.ArrayList<>(List.of(SCHEMA.split(";")));
        schema.add(KINDS);
        proxy.runBeside(pg, schema);
    }

    @AfterAll
    static void stop() {
        RunningProxy.closeBoth(proxy, pg);
    }

    static String psql(int port, String command) throws Exception {
        ClientProcess.Outcome o = ClientProcess.run(List.of("psql", "-X", "-P", "pager=off", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-U", PgCluster.USER, "-d", PgCluster.DATABASE, "-c", command), null,
                PgCluster.PASSWORD);
        assertEquals(0, o.exitCode(), command + ": " + o.output());
        assertTrue(!o.output().contains("ERROR"), command + ": " + o.output());
        return o.output();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\d", "\\dt", "\\di", "\\dv", "\\ds", "\\dn", "\\d posts", "\\d+ posts", "\\d authors",
        "\\d recent_posts", "\\d tickets", "\\d posts_id_seq", "\\d posts_pkey",
        "SELECT * FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
        "SELECT * FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        "SELECT schemaname, viewname, viewowner FROM pg_views WHERE schemaname = 'public'",
        "SELECT table_name, column_name, ordinal_position, column_default, is_nullable, data_type,"
            + " character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix,"
            + " numeric_scale, datetime_precision, udt_name, is_identity, is_generated, is_updatable"
            + " FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        "SELECT c.column_name, c.data_type FROM information_schema.columns AS c WHERE c.table_name = 'kinds'"
            + " AND c.data_type IN ('ARRAY', 'text') ORDER BY 1"})
    void describePrintsWhatPostgres15Prints(String command) throws Exception {
        String postgres = psql(pg.port(0), command);
        String proxied = psql(proxy.port(), command);
        // DIFFERENCES[0]: the same width, so every other character of the table stays comparable
        String expected = postgres.replace("| jsonb ", "| json  ");
        assertEquals(expected, proxied, "psql " + command + " through the proxy; PostgreSQL 15 printed:\n" + postgres);
    }

    @org.junit.jupiter.api.Test
    void describesAViewWithItsQueryAsH2KeepsIt() throws Exception {
        String postgres = psql(pg.port(0), "\\d+ recent_posts");
        String proxied = psql(proxy.port(), "\\d+ recent_posts");
        String columns = "View definition:\n";
        // DIFFERENCES[3]: everything up to the definition is the same
        assertEquals(postgres.substring(0, postgres.indexOf(columns) + columns.length()),
                proxied.substring(0, proxied.indexOf(columns) + columns.length()), proxied);
        assertTrue(proxied.contains("\"title\"") && proxied.contains("FROM \"public\".\"posts\""), proxied);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\dt+", "\\di+", "\\dv+", "\\ds+"})
    void listsWithSizesPrintWhatPostgres15PrintsButTheSizes(String command) throws Exception {
        List<String> postgres = psql(pg.port(0), command).lines().toList();
        List<String> proxied = psql(proxy.port(), command).lines().toList();
        assertEquals(postgres.size(), proxied.size(), String.join("\n", proxied));
        int size = cells(postgres.get(1)).indexOf("Size");
        assertTrue(size > 0, postgres.get(1));
        assertEquals(postgres.get(0).strip(), proxied.get(0).strip(), "title");
        for (int i = 1; i < postgres.size(); i++) {
            if (postgres.get(i).contains("|")) {
                List<String> expected = new ArrayList<>(cells(postgres.get(i)));
                List<String> actual = new ArrayList<>(cells(proxied.get(i)));
                String proxySize = actual.remove(size);
                expected.remove(size); // DIFFERENCES[4]
                assertEquals(expected, actual, "line " + i + " of\n" + String.join("\n", proxied));
                assertTrue(i == 1 || proxySize.matches("\\d+ (bytes|kB|MB|GB)"), proxySize);
            } else if (!postgres.get(i).startsWith("---")) {
                assertEquals(postgres.get(i), proxied.get(i));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void systemListingsListTheUsersRelations() throws Exception {
        List<String> postgres = psql(pg.port(0), "\\dS").lines().toList();
        List<String> proxied = psql(proxy.port(), "\\dS").lines().toList();
        assertEquals(postgres.get(0).strip(), proxied.get(0).strip(), "title");
        assertEquals(cells(postgres.get(1)), cells(proxied.get(1)), "column names");
        // DIFFERENCES[5]: PostgreSQL's rows for the user's relations, and no others
        List<List<String>> expected = new ArrayList<>();
        for (String line : postgres) {
            if (line.startsWith(" public ")) {
                expected.add(cells(line.replace("| jsonb ", "| json  ")));
            }
        }
        List<List<String>> actual = new ArrayList<>();
        for (String line : proxied.subList(3, proxied.size())) {
            if (line.contains("|")) {
                actual.add(cells(line));
            }
        }
        assertEquals(expected, actual, String.join("\n", proxied));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\l", "\\du", "\\l+"})
    void listsItsOwnDatabaseAndRoleAsPostgres15Does(String command) throws Exception {
        List<String> postgres = psql(pg.port(0), command).lines().toList();
        List<String> proxied = psql(proxy.port(), command).lines().toList();
        assertEquals(cells(postgres.get(0)), cells(proxied.get(0)), "title");
        assertEquals(cells(postgres.get(1)), cells(proxied.get(1)), "column names");
        // DIFFERENCES[1] and [2]: PostgreSQL has more rows; the proxy's one row is PostgreSQL's row for lattice
        List<String> expected = new ArrayList<>(row(postgres, PgCluster.USER));
        List<String> actual = new ArrayList<>(row(proxied, PgCluster.USER));
        int size = cells(postgres.get(1)).indexOf("Size");
        if (size >= 0) { // DIFFERENCES[4]
            expected.remove(size);
            actual.remove(size);
        }
        assertEquals(expected, actual, String.join("\n", proxied));
        long rows = proxied.stream().filter(l -> l.contains("|")).count() - 1;
        assertEquals(1, rows, String.join("\n", proxied));
    }

    private static List<String> row(List<String> lines, String first) {
        for (String line : lines) {
            List<String> cells = cells(line);
            if (!cells.isEmpty() && cells.get(0).equals(first)) {
                return cells;
            }
        }
        throw new AssertionError("no row " + first + " in\n" + String.join("\n", lines));
    }

    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells.size() == 1 && cells.get(0).isEmpty() ? List.of() : cells;
    }
}
