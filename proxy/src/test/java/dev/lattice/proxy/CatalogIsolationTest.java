package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.proxy.catalog.PgCatalog;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy's pg_catalog is on every node that serves reads, stays out of the user's tables, the
 * replication log and the replicas' checksums, and is right after DDL on a replica.
 */
class CatalogIsolationTest {

    private static RunningProxy proxy;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("catalogiso");
        cluster = proxy.server.cluster();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static List<String> nodeUrls() {
        List<String> urls = new ArrayList<>(List.of(cluster.config().primaryUrl()));
        urls.addAll(cluster.config().replicaUrls());
        return urls;
    }

    private static Connection node(String url) throws SQLException {
        return DriverManager.getConnection(url, cluster.config().user(), cluster.config().password());
    }

    @Test
    void everyNodeHasTheCatalogAndNoneOfItIsReplicatedOrChecksummed() throws Exception {
        long before = cluster.committedLsn();
        // The replicas were rebuilt from a snapshot when the cluster started (everything on them dropped):
        // the catalog there was laid down again after the rebuild.
        for (String url : nodeUrls()) {
            try (Connection c = node(url)) {
                assertTrue(PgCatalog.installed(c), "catalog on " + url);
            }
        }
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table iso_items (id serial primary key, name text)");
            s.execute("insert into iso_items (name) values ('a'), ('b')");
        }
        long afterWrites = cluster.committedLsn();
        assertEquals(before + 2, afterWrites, "the two statements, and nothing of the catalog, were logged");
        for (String command : List.of("\\d", "\\dt", "\\d+ iso_items", "\\l", "\\du", "\\dn")) {
            psql(command);
        }
        try (Connection c = proxy.connect()) {
            c.getMetaData().getColumns(null, "public", "%", "%").close();
            c.getMetaData().getTables(null, null, "%", null).close();
        }
        assertEquals(afterWrites, cluster.committedLsn(), "catalog reads log nothing");
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        Map<String, String> primary;
        try (Connection c = node(cluster.config().primaryUrl())) {
            primary = userTables(NodeChecksum.of(c));
        }
        assertTrue(primary.containsKey("public.iso_items"), "the user's table: " + primary.keySet());
        for (String url : cluster.config().replicaUrls()) {
            try (Connection c = node(url)) {
                TreeMap<String, String> all = NodeChecksum.of(c);
                for (String table : all.keySet()) {
                    assertFalse(table.contains(".lattice_pg"), "no catalog object is a table: " + table);
                }
                assertEquals(primary, userTables(all), "replica " + url + " holds exactly the primary's rows");
            }
        }
        String tables = psql("\\dt");
        assertTrue(tables.contains(" iso_items ") && !tables.contains("lattice_") && !tables.contains(" pg_")
                && !tables.contains("information_schema"), tables);
    }

    @Test
    void withoutTheNodeSetupARebuiltReplicaHasNoCatalog() throws Exception {
        // The same kind of cluster started without the proxy: the catalog put on its primary by hand reaches
        // no replica (neither the log nor a snapshot carries it), so only the cluster's NodeSetup gives them one.
        String url = "jdbc:lattice:mem:catalognosetup" + dev.lattice.proxy.pgsql.H2PostgresMode.SETTINGS + "?replicas=1";
        Cluster plain = dev.lattice.cluster.ClusterRegistry.obtain(
                dev.lattice.jdbc.LatticeUrl.parse(url, new java.util.Properties()).cluster());
        try {
            try (Connection c = DriverManager.getConnection(plain.config().primaryUrl(), plain.config().user(),
                    plain.config().password())) {
                PgCatalog.install(c);
            }
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("create table nosetup (id int primary key)");
            }
            Await.caughtUp(plain, Duration.ofSeconds(30));
            try (Connection c = DriverManager.getConnection(plain.config().replicaUrls().get(0), plain.config().user(),
                    plain.config().password())) {
                assertFalse(PgCatalog.installed(c), "a rebuilt replica has no catalog of its own");
            }
        } finally {
            dev.lattice.cluster.ClusterRegistry.shutdown(plain.config().key());
        }
    }

    @Test
    void describeServedByAReplicaShowsAColumnJustAdded() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table iso_ddl (id int primary key, name varchar(20) not null)");
        }
        assertFalse(psql("\\d iso_ddl").contains("added"));
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("alter table iso_ddl add column added timestamp default now()");
        }
        // Every replica's own catalog, read on the replica, has the column once it applied the DDL.
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        for (String url : cluster.config().replicaUrls()) {
            try (Connection c = node(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select attname, pg_catalog.lattice_format_type(atttypid, atttypmod)"
                         + " from pg_catalog.lattice_pg_attribute where attrelid ="
                         + " pg_catalog.lattice_oid('r', 'public', 'iso_ddl') order by attnum")) {
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    columns.add(rs.getString(1) + " " + rs.getString(2));
                }
                assertEquals(List.of("id integer", "name character varying(20)", "added timestamp without time zone"),
                        columns, url);
            }
        }
        long replicaReads = replicaReads();
        String described = psql("\\d iso_ddl");
        assertTrue(described.contains(" added  | timestamp without time zone |           |          | now()"),
                described);
        assertTrue(replicaReads() > replicaReads, "psql's catalog queries were served by replicas");
    }

    @Test
    void aFileClusterOpensAgainWithItsCatalog(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Map<String, Object> settings = Map.of("cluster", Map.of("url", "jdbc:lattice:file:" + dir + "?replicas=1"));
        String expected = null;
        for (int start = 0; start < 2; start++) {
            RunningProxy files = RunningProxy.start("unused", settings);
            try {
                if (start == 0) {
                    try (Connection c = files.connect(); Statement s = c.createStatement()) {
                        s.execute("create table reopened (id serial primary key, name text not null)");
                        s.execute("create index reopened_name_idx on reopened (name)");
                    }
                }
                // the catalog's in-memory tables are stored as H2 tables of a table engine: H2 makes them again
                String described = describedOrNodes(files, start);
                assertTrue(described.contains("\"reopened_name_idx\" btree (name)"), described);
                assertEquals(expected == null ? described : expected, described);
                expected = described;
            } finally {
                files.close();
                dev.lattice.cluster.ClusterRegistry.shutdown(files.server.cluster().config().key());
            }
        }
    }

    /**
     * psql's {@code \d reopened}; when it fails, the failure also says which nodes served psql's
     * reads, which have H2's pg_catalog schema (and in which mode each database runs), and where each
     * replica is (this test failed twice on 2026-12-07 in CI with "schema pg_catalog does not exist",
     * and in none of the ~180 runs made here to find why).
     */
    private static String describedOrNodes(RunningProxy files, int start) throws Exception {
        long[] before = reads(files);
        try {
            return PsqlCatalogTest.psql(files.port(), "\\d reopened");
        } catch (AssertionError e) {
            long[] after = reads(files);
            StringBuilder nodes = new StringBuilder("start " + start + ": psql's reads served by the primary +"
                    + (after[0] - before[0]) + ", by replicas +" + (after[1] - before[1]) + ";");
            var h2 = files.server.cluster().h2();
            nodes.append(" primary ").append(hasPgCatalog(h2.primary()));
            for (var replica : h2.replicas()) {
                nodes.append("; ").append(replica.node().name()).append(' ').append(replica.applier().state())
                        .append(" applied ").append(replica.applied()).append(' ').append(hasPgCatalog(replica.node()));
            }
            throw new AssertionError(e.getMessage() + " [" + nodes + "]", e);
        }
    }

    /** The proxy's primary and replica reads so far, over all levels (SHOW STATS). */
    private static long[] reads(RunningProxy files) {
        long[] n = new long[2];
        try (Connection c = files.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                n[0] += rs.getLong("primary_reads");
                n[1] += rs.getLong("replica_reads");
            }
        } catch (SQLException e) {
            n[0] = n[1] = -1;
        }
        return n;
    }

    private static String hasPgCatalog(dev.lattice.cluster.Node node) {
        try (Connection c = node.connectDirect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME"
                     + " = 'pg_catalog'), (SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME"
                     + " = 'MODE')")) {
            rs.next();
            return (rs.getInt(1) > 0 ? "has pg_catalog" : "has no pg_catalog") + " (mode " + rs.getString(2) + ")";
        } catch (SQLException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    private static Map<String, String> userTables(TreeMap<String, String> sums) {
        Map<String, String> user = new TreeMap<>();
        sums.forEach((table, sum) -> {
            if (table.startsWith("public.")) {
                user.put(table, sum);
            }
        });
        return user;
    }

    private static long replicaReads() throws SQLException {
        long n = 0;
        try (Connection c = proxy.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                n += rs.getLong("replica_reads");
            }
        }
        return n;
    }

    private static String psql(String command) throws Exception {
        return PsqlCatalogTest.psql(proxy.port(), command);
    }
}
