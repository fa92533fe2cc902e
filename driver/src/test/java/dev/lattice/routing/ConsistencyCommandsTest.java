package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SET/SHOW CONSISTENCY and tokens: bad input is refused clearly and leaves the session's settings as they were. */
class ConsistencyCommandsTest {

    @Test
    void showConsistencyReportsTheSessionAndTheTokenTheApiGives() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("show", 0, 0);
             Connection c = DriverManager.getConnection(lc.url() + "&consistency=bounded_staleness%20500%20ms"
                     + "&consistencyTimeout=250&consistencyFallback=error");
             Statement s = c.createStatement()) {
            List<String> row = show(s);
            assertEquals(List.of("BOUNDED_STALENESS 500 MS", c.unwrap(LatticeConnection.class).consistencyToken(),
                    "250", "ERROR", "null"), row);
            s.execute("SET consistency TO read_your_writes");
            assertEquals("READ_YOUR_WRITES", show(s).get(0));
            s.execute("SET consistency = 'quorum write 2 read 1'");
            assertEquals("QUORUM WRITE 2 READ 1", show(s).get(0));
        }
    }

    @Test
    void badSettingsAreRefusedAndChangeNothing() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("bad", 0, 0); Connection c = lc.connect("CAUSAL");
             Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY TIMEOUT 700");
            List<String> before = show(s);
            assertState(s, "SET CONSISTENCY READ_YOUR_WRITE", "42601", "READ_YOUR_WRITES");
            assertState(s, "SET CONSISTENCY BOUNDED_STALENESS 5 HOURS", "42601", "SECONDS");
            assertState(s, "SET CONSISTENCY TIMEOUT -5", "42601", null);
            assertState(s, "SET CONSISTENCY TIMEOUT 999999999999", "22023", "3600000");
            assertState(s, "SET CONSISTENCY FALLBACK SOMETIMES", "42601", null);
            assertState(s, "SET CONSISTENCY QUORUM WRITE 3 READ 1", "22023", "the cluster has 2");
            assertState(s, "SET CONSISTENCY QUORUM WRITE 0 READ 1", "42601", "at least 1");
            assertState(s, "SET consistency = 'quorum read 0'", "42601", "at least 1");
            assertState(s, "SET CONSISTENCY CAUSAL WRITE 0", "42601", "no quorum sizes");
            assertState(s, "SET CONSISTENCY TOKEN 'not-a-token'", "22023", "Malformed");
            assertState(s, "ALTER REPLICA replica1 SET DELAY 9223372036854775807", "22023", "2147483647");
            assertEquals(0, lc.cluster().h2().replica("replica1").applier().delayMillis(), "the refused delay is not set");
            assertEquals(before, show(s), "refused settings leave the session as it was");
        }
    }

    @Test
    void aTokenOfAnotherClusterIsRefused() throws Exception {
        String foreign;
        try (LaggedCluster other = new LaggedCluster("other", 0, 0); Connection c = other.connect("CAUSAL")) {
            foreign = c.unwrap(LatticeConnection.class).consistencyToken();
        }
        try (LaggedCluster lc = new LaggedCluster("mine", 0, 0); Connection c = lc.connect("CAUSAL");
             Statement s = c.createStatement()) {
            List<String> before = show(s);
            assertState(s, "SET CONSISTENCY TOKEN '" + foreign + "'", "22023", "another cluster");
            assertEquals(before, show(s));
        }
    }

    @Test
    void aTokenBeyondWhatTheClusterCommittedIsRefused() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("beyond", 0, 0); Connection c = lc.connect("CAUSAL");
             Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY FALLBACK ERROR");
            s.execute("SET CONSISTENCY TIMEOUT 0");
            lc.execute("CREATE TABLE t(id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
            String token = c.unwrap(LatticeConnection.class).consistencyToken();
            String[] parts = token.split(":");
            String prefix = parts[0] + ":" + parts[1] + ":";
            long c0 = lc.cluster().committedLsn();
            List<String> before = show(s);
            // An edited token would make every read of the session wait for an LSN no replica reaches.
            assertState(s, "SET CONSISTENCY TOKEN '" + prefix + parts[2] + ":" + (c0 + 1000) + "'", "22023",
                    "beyond");
            assertState(s, "SET CONSISTENCY TOKEN '" + prefix + "0:" + c0 + "'", "22023", "Malformed");
            assertEquals(before, show(s), "refused tokens leave the session as it was");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the session still reads its replicas");
            }
            s.execute("SET CONSISTENCY TOKEN '" + prefix + parts[2] + ":" + c0 + "'");
        }
    }

    private static void assertState(Statement s, String sql, String sqlState, String mentions) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals(sqlState, e.getSQLState(), sql + ": " + e.getMessage());
        if (mentions != null) {
            assertTrue(e.getMessage().contains(mentions), sql + ": " + e.getMessage());
        }
    }

    private static List<String> show(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW CONSISTENCY")) {
            rs.next();
            return List.of(rs.getString(1), rs.getString(2), String.valueOf(rs.getLong(3)), rs.getString(4),
                    String.valueOf(rs.getString(5)));
        }
    }
}
