package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flyway with its PostgreSQL support migrates through the proxy over a jdbc:postgresql: URL, as against PostgreSQL. */
class FlywayThroughProxyTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("flyway");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void migratesOnceRecordsItsHistoryAndTheReplicasConverge() throws Exception {
        Flyway flyway = Flyway.configure()
                .dataSource(proxy.url(), "lattice", "lattice")
                .locations("classpath:db/pgmigration")
                .load();
        MigrateResult first = flyway.migrate();
        assertEquals(3, first.migrationsExecuted);
        assertEquals("3", first.targetSchemaVersion);
        MigrationInfo[] applied = flyway.info().applied();
        assertEquals(List.of("1", "2", "3"), Arrays.stream(applied).map(m -> m.getVersion().getVersion()).toList());
        assertTrue(Arrays.stream(applied).allMatch(m -> m.getState().isApplied() && !m.getState().isFailed()),
                Arrays.toString(applied));
        flyway.validate();
        assertEquals(0, flyway.migrate().migrationsExecuted, "a second run finds nothing to do");

        try (Connection c = proxy.connect(RunningProxy.props("options", "-c TimeZone=UTC"))) {
            assertEquals(List.of("1|create events|SQL|V1__create_events.sql|lattice|t",
                            "2|index and source column|SQL|V2__index_and_source_column.sql|lattice|t",
                            "3|seed|SQL|V3__seed.sql|lattice|t"),
                    rows(c, "SELECT version, description, type, script, installed_by, success"
                            + " FROM flyway_schema_history ORDER BY installed_rank"));
            // pgjdbc's own metadata, read from the proxy's pg_catalog (jsonb is H2's JSON: json)
            assertEquals(List.of("id|bigserial", "kind|text", "payload|json", "happened|timestamptz", "source_id|int4"),
                    columns(c, "events"));
            assertTrue(indexes(c, "events").contains("events_kind_idx|1|kind"), indexes(c, "events").toString());
            assertTrue(indexes(c, "events").contains("events_kind_idx|2|happened"), indexes(c, "events").toString());
            assertEquals(List.of("1|signup|web|2024-03-01 10:00:00+00", "2|import|batch|2024-03-01 09:30:00+00"),
                    rows(c, "SELECT e.id, e.kind, s.name, e.happened"
                            + " FROM events e JOIN sources s ON s.id = e.source_id ORDER BY e.id"));
        }

        Cluster cluster = proxy.server.cluster();
        Await.caughtUp(cluster, Duration.ofSeconds(30));
        TreeMap<String, String> primary = userTables(NodeChecksum.of(cluster.primary().url()));
        assertTrue(primary.containsKey("public.flyway_schema_history"), primary.toString());
        assertTrue(primary.containsKey("public.events"), primary.toString());
        List<String> schema = schema(cluster.primary().url());
        assertTrue(schema.contains("events|source_id|integer"), schema.toString());
        for (String replica : List.of("replica1", "replica2")) {
            String url = cluster.replica(replica).node().url();
            assertEquals(primary, userTables(NodeChecksum.of(url)), replica + " holds the rows the primary holds");
            assertEquals(schema, schema(url), replica + " holds the tables, columns and indexes the primary holds");
        }
    }

    /** The user tables' columns and the migrations' named index, as the node itself holds them. */
    private static List<String> schema(String h2Url) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url, "sa", "")) {
            List<String> schema = rows(c, "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_SCHEMA = 'public' ORDER BY TABLE_NAME, ORDINAL_POSITION");
            schema.addAll(rows(c, "SELECT INDEX_NAME, TABLE_NAME FROM INFORMATION_SCHEMA.INDEXES"
                    + " WHERE TABLE_SCHEMA = 'public' AND INDEX_NAME = 'events_kind_idx'"));
            return schema;
        }
    }

    private static TreeMap<String, String> userTables(TreeMap<String, String> sums) {
        sums.keySet().removeIf(table -> !table.startsWith("public."));
        return sums;
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, "public", table, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME") + "|" + rs.getString("TYPE_NAME"));
            }
        }
        return columns;
    }

    private static List<String> indexes(Connection c, String table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getIndexInfo(null, "public", table, false, false)) {
            while (rs.next()) {
                indexes.add(rs.getString("INDEX_NAME") + "|" + rs.getShort("ORDINAL_POSITION") + "|"
                        + rs.getString("COLUMN_NAME"));
            }
        }
        return indexes;
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        return RunningProxy.rows(c, sql);
    }
}
