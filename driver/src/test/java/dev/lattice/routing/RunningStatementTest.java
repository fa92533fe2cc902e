package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A cancel that lands after a statement was marked running, but before H2 started it, still stops it. */
class RunningStatementTest {

    /** About a second of work on this machine, checked for a cancel every few rows. */
    private static final String LONG = "select sum(x) from system_range(1, 10000000) r(x)";

    private Connection node;

    @BeforeEach
    void open() throws SQLException {
        node = DriverManager.getConnection("jdbc:h2:mem:");
    }

    @AfterEach
    void close() throws SQLException {
        node.close();
    }

    @Test
    void aCancelBeforeH2StartsTheCommandStopsIt() throws Exception {
        RunningStatement running = new RunningStatement();
        try (PreparedStatement ps = node.prepareStatement(LONG)) {
            running.start(ps);
            assertTrue(running.cancel());
            // H2's own Statement.cancel() alone is a no-op here: the query would run to its end
            SQLException e = assertThrows(SQLException.class, ps::executeQuery);
            assertEquals("57014", e.getSQLState());
            running.end();
        }
        try (ResultSet rs = node.createStatement().executeQuery("select 1")) {
            assertTrue(rs.next(), "the node connection goes on");
        }
    }

    @Test
    void aCancelOfAStatementThatEndsBeforeAnyCheckDoesNotReachTheNextOne() throws Exception {
        RunningStatement running = new RunningStatement();
        try (PreparedStatement ps = node.prepareStatement("select 1")) {
            running.start(ps);
            running.cancel();
            running.end(); // ended (here: never executed) before H2 looked at the cancel
            try (ResultSet rs = node.createStatement().executeQuery("select sum(x) from system_range(1, 100000) r(x)")) {
                assertTrue(rs.next());
                assertEquals(100000L * 100001 / 2, rs.getLong(1));
            }
        }
    }

    @Test
    void nothingRunningIsNothingToCancel() {
        assertFalse(new RunningStatement().cancel());
    }
}
