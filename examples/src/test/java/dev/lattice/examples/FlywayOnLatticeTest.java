package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Flyway migrations through jdbc:lattice:. Flyway picks its database support from the JDBC URL
 * and knows no jdbc:lattice: URL, so it is given a DataSource: it then reads DatabaseMetaData,
 * which reports H2.
 */
class FlywayOnLatticeTest {

    /** Flyway on one shared connection: its history lock and its migrations are one session. */
    @Test
    void migrationsAndTheirHistoryAreIdenticalOnEveryReplica() throws Exception {
        try (HikariDataSource pool = pool("flyway")) {
            SingleConnectionDataSource oneConnection = new SingleConnectionDataSource(pool.getConnection(), true);
            try {
                migrateAndCompare(oneConnection, pool);
            } finally {
                oneConnection.destroy();
            }
        }
    }

    /**
     * Flyway through a pool: it holds the history table locked in a transaction on one connection
     * while it runs each migration's DDL on another. DDL waits only for writers of its own tables.
     */
    @Test
    void migratesThroughAPooledDataSource() throws Exception {
        try (HikariDataSource pool = pool("flyway_pooled")) {
            migrateAndCompare(pool, pool);
        }
    }

    private static void migrateAndCompare(DataSource flywayDataSource, HikariDataSource pool) throws Exception {
        Flyway flyway = Flyway.configure().dataSource(flywayDataSource).locations("classpath:db/migration").load();

        MigrateResult result = flyway.migrate();
        assertEquals(3, result.migrationsExecuted);
        assertEquals("3", result.targetSchemaVersion);
        assertTrue(Arrays.stream(flyway.info().all()).allMatch(m -> m.getState().isApplied()),
                Arrays.toString(flyway.info().all()));
        assertEquals(0, flyway.migrate().migrationsExecuted, "a second run finds nothing to do");
        flyway.validate();

        List<String> history = EveryNode.assertSameOnEveryNode(pool,
                "SELECT \"installed_rank\", \"version\", \"description\", \"type\", \"script\", \"checksum\","
                        + " \"installed_on\", \"success\" FROM \"flyway_schema_history\" ORDER BY \"installed_rank\"");
        // Flyway's marker row for the history table it created, then one row per migration.
        assertEquals(4, history.size(), history.toString());
        assertTrue(history.get(3).startsWith("3 | 3 | seed and backfill | SQL"), history.toString());
        EveryNode.assertSameOnEveryNode(pool, EveryNode.SCHEMA);
        // Constraints by table and kind, and the indexes the migrations named. H2 names the rest
        // itself, differently on a replica rebuilt from a snapshot (see the report on CALL SCHEMA()).
        EveryNode.assertSameOnEveryNode(pool, "SELECT TABLE_NAME, CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + " WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME, CONSTRAINT_TYPE");
        EveryNode.assertSameOnEveryNode(pool, "SELECT INDEX_NAME, TABLE_NAME FROM INFORMATION_SCHEMA.INDEXES"
                + " WHERE TABLE_SCHEMA = 'PUBLIC' AND INDEX_NAME NOT LIKE 'PRIMARY_KEY_%'"
                + " AND INDEX_NAME NOT LIKE 'CONSTRAINT_%' ORDER BY INDEX_NAME");
        List<String> orders = EveryNode.assertSameOnEveryNode(pool,
                "SELECT o.number, c.email, c.order_count FROM orders o JOIN customer c ON c.id = o.customer_id"
                        + " ORDER BY o.number");
        assertEquals(List.of("1000 | ada@example.com | 1", "1001 | grace@example.com | 1"), orders);
        try (Connection c = pool.getConnection()) {
            Replicas.shutdown(c);
        }
    }

    private static HikariDataSource pool(String cluster) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:lattice:mem:" + cluster + "?replicas=2");
        config.setMaximumPoolSize(3);
        return new HikariDataSource(config);
    }
}
