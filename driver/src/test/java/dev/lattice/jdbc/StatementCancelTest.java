package dev.lattice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.testing.Await;
import dev.lattice.testing.NodeSessions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Statement.cancel() from another thread stops what the statement runs on its node, with 57014. */
class StatementCancelTest {

    private static final String LONG = "SELECT SUM(X) FROM SYSTEM_RANGE(1, 100000000000)";
    private static int clusters;

    private Connection c;
    private Cluster cluster;

    @BeforeEach
    void open() throws SQLException {
        c = DriverManager.getConnection("jdbc:lattice:mem:statement-cancel-" + ++clusters + "?replicas=2");
        cluster = c.unwrap(LatticeConnection.class).cluster();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void cancelStopsAStatementsQuery() throws Exception {
        try (Statement s = c.createStatement()) {
            cancelWhileRunning(s, () -> s.executeQuery(LONG));
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the statement goes on");
            }
        }
    }

    @Test
    void cancelStopsAPreparedStatementsQuery() throws Exception {
        try (PreparedStatement ps = c.prepareStatement(LONG)) {
            cancelWhileRunning(ps, ps::executeQuery);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the connection goes on");
            }
        }
    }

    @Test
    void aCancelWithNothingRunningDoesNotReachTheNextStatement() throws Exception {
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 2")) {
            s.cancel();
            ps.cancel();
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
            }
        }
    }

    private interface Query {
        ResultSet run() throws SQLException;
    }

    private void cancelWhileRunning(Statement s, Query query) throws Exception {
        CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
            try (ResultSet rs = query.run()) {
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        Await.until("the query to run on a node", Duration.ofSeconds(30),
                () -> outcome.isDone() || NodeSessions.executing(cluster, "SYSTEM_RANGE(1, 100000000000)"));
        s.cancel();
        SQLException e = outcome.get(30, TimeUnit.SECONDS);
        assertNotNull(e, "the query was cancelled");
        assertEquals("57014", e.getSQLState(), e.getMessage());
    }
}
