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

/** A cancel that lands after a call began, but before its node statement or H2's command started, still stops it. */
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

    /**
     * A cancel while Lattice still routes the call (waits for nothing, prepares the node statement):
     * before, no node statement was there to stop, the cancel returned false and was lost, and the
     * statement then ran to its end.
     */
    @Test
    void aCancelBeforeTheNodeStatementStartsStopsTheCall() throws Exception {
        RunningStatement running = new RunningStatement();
        try (PreparedStatement ps = node.prepareStatement(LONG)) {
            running.begin();
            assertTrue(running.cancel(), "a call is under way");
            SQLException e = assertThrows(SQLException.class, () -> running.start(ps));
            assertEquals("57014", e.getSQLState());
            running.finish();

            running.begin(); // the next call runs: the cancel was the last one's
            running.start(ps);
            running.end();
            running.finish();
        }
    }

    @Test
    void aCancelBetweenCallsReachesNeither() throws Exception {
        RunningStatement running = new RunningStatement();
        try (PreparedStatement ps = node.prepareStatement("select 1")) {
            running.begin();
            running.finish();
            assertFalse(running.cancel(), "nothing under way");
            running.begin();
            running.start(ps);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
            }
            running.end();
            running.finish();
        }
    }

    @Test
    void nothingRunningIsNothingToCancel() {
        assertFalse(new RunningStatement().cancel());
    }
}
