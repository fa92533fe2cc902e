package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring's JdbcTemplate and {@code @Transactional} on jdbc:lattice:, without Spring Boot:
 * {@code @Transactional(readOnly = true)} marks the JDBC connection read-only, so Lattice serves
 * the whole transaction from one replica snapshot; a read-write transaction runs on the primary.
 */
class SpringOnLatticeTest {

    @Configuration
    @EnableTransactionManagement
    static class AppConfig {
        @Bean(destroyMethod = "close")
        HikariDataSource dataSource() {
            HikariConfig config = new HikariConfig();
            // sessionScope=shared: a read-only transaction on one pooled connection reads what a
            // read-write transaction on another committed (CAUSAL across the pool).
            config.setJdbcUrl("jdbc:lattice:mem:spring?replicas=2&sessionScope=shared&consistencyTimeout=10000");
            config.setMaximumPoolSize(4);
            return new HikariDataSource(config);
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new JdbcTransactionManager(dataSource);
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        AccountService accountService(JdbcTemplate jdbc) {
            return new AccountService(jdbc);
        }
    }

    /** The application's service: the annotations are all it says about routing. */
    static class AccountService {
        private final JdbcTemplate jdbc;

        AccountService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional
        public void open(int id, String owner, long balance) {
            jdbc.update("INSERT INTO account(id, owner, balance) VALUES (?, ?, ?)", id, owner, balance);
        }

        /** Read-modify-write: its reads must see the latest balance, so it runs on the primary. */
        @Transactional
        public long deposit(int id, long amount) {
            long balance = jdbc.queryForObject("SELECT balance FROM account WHERE id = ?", Long.class, id);
            jdbc.update("UPDATE account SET balance = ? WHERE id = ?", balance + amount, id);
            return jdbc.queryForObject("SELECT balance FROM account WHERE id = ?", Long.class, id);
        }

        /** A report: two reads from one snapshot of one replica. */
        @Transactional(readOnly = true)
        public long[] countAndTotal() {
            long count = jdbc.queryForObject("SELECT COUNT(*) FROM account", Long.class);
            long total = jdbc.queryForObject("SELECT SUM(balance) FROM account", Long.class);
            return new long[] {count, total};
        }

        @Transactional(readOnly = true)
        public void closeAccountByMistake(int id) {
            jdbc.update("DELETE FROM account WHERE id = ?", id);
        }
    }

    static AnnotationConfigApplicationContext context;
    static AccountService accounts;
    static DataSource dataSource;

    @BeforeAll
    static void start() {
        context = new AnnotationConfigApplicationContext(AppConfig.class);
        accounts = context.getBean(AccountService.class);
        dataSource = context.getBean(DataSource.class);
        context.getBean(JdbcTemplate.class).execute(
                "CREATE TABLE account(id INT PRIMARY KEY, owner VARCHAR(50), balance BIGINT NOT NULL)");
        accounts.open(1, "ada", 100);
        accounts.open(2, "grace", 250);
    }

    @AfterAll
    static void stop() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            Replicas.shutdown(c);
        } finally {
            context.close();
        }
    }

    @Test
    void readOnlyTransactionsAreServedByOneReplica() throws Exception {
        try (Connection stats = dataSource.getConnection()) {
            ServedBy served = ServedBy.watch(stats, "CAUSAL");
            long[] report = accounts.countAndTotal();
            ServedBy.Reads reads = served.next();
            assertEquals(0, reads.primary(), reads.describe());
            assertEquals(1, reads.replica(), "one routing decision for the whole transaction: " + reads.describe());
            assertEquals(2, report[0]);
        }
    }

    @Test
    void readWriteTransactionsReadThePrimaryEvenWhileReplicasLag() throws Exception {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        try (Connection stats = dataSource.getConnection()) {
            jdbc.execute("ALTER REPLICA replica1 PAUSE");
            jdbc.execute("ALTER REPLICA replica2 PAUSE");
            try {
                ServedBy served = ServedBy.watch(stats, "CAUSAL");
                long before = accounts.deposit(2, 0);
                assertEquals(before + 10, accounts.deposit(2, 10), "the second deposit read the first one's write");
                assertEquals(before + 30, accounts.deposit(2, 20));
                ServedBy.Reads reads = served.next();
                // Not routed at all: no replica read, and no wait for the paused replicas either.
                assertEquals(0, reads.replica() + reads.waits() + reads.fallbacks(),
                        "the reads of a read-write transaction run on the primary: " + reads.describe());
            } finally {
                jdbc.execute("ALTER REPLICA replica1 RESUME");
                jdbc.execute("ALTER REPLICA replica2 RESUME");
            }
        }
        // Once the replicas catch up, a read-only transaction on any pooled connection sees the deposits.
        long[] report = accounts.countAndTotal();
        assertEquals(jdbc.queryForObject("SELECT SUM(balance) FROM account", Long.class), report[1]);
    }

    @Test
    void aReadOnlyTransactionRefusesWrites() {
        DataAccessException e = assertThrows(DataAccessException.class, () -> accounts.closeAccountByMistake(1));
        assertEquals("25006", ((java.sql.SQLException) e.getMostSpecificCause()).getSQLState(), e.toString());
    }
}
