package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connection slots cannot be held by clients that never authenticate, nor all taken by one address. */
class ConnectionLimitsTest {

    @Test
    void silentConnectionsHoldingEverySlotAreDroppedAfterTheAuthenticationTimeout() throws Exception {
        try (RunningProxy proxy = RunningProxy.start("flood", Map.of("maxConnections", 5, "authenticationTimeout", 1))) {
            List<RawClient> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    silent.add(new RawClient(proxy.port()));
                }
                RunningProxy.await("the silent sockets to hold every slot", java.time.Duration.ofSeconds(10),
                        () -> proxy.server.stats().connections() == 5);
                // Within the timeout the slots are taken: a real client is refused...
                SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, proxy::connect);
                assertEquals("53300", refused.getSQLState());
                // ...and once it has passed, the silent sockets are told why and closed, and a real client gets in.
                for (RawClient s : silent) {
                    List<RawClient.Message> got = s.readToEnd();
                    assertEquals(1, got.size(), got.toString());
                    assertTrue(got.get(0).text().contains("C08P01")
                            && got.get(0).text().contains("canceling authentication due to timeout"), got.get(0).text());
                }
                try (Connection c = proxy.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select 1")) {
                    assertTrue(rs.next());
                }
                assertTrue(proxy.server.stats().authenticationTimeouts() >= 5);
            } finally {
                for (RawClient s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void anAuthenticatedSessionIsNotTimedOut() throws Exception {
        try (RunningProxy proxy = RunningProxy.start("flood-ok", Map.of("authenticationTimeout", 1));
             Connection c = proxy.connect()) {
            Thread.sleep(1_500);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 1")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void oneAddressCannotTakeMoreThanMaxConnectionsPerAddress() throws Exception {
        try (RunningProxy proxy = RunningProxy.start("per-address", Map.of("maxConnections", 10,
                "maxConnectionsPerAddress", 2));
             Connection first = proxy.connect(); Connection second = proxy.connect()) {
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, proxy::connect);
            assertEquals("53300", refused.getSQLState());
            assertTrue(refused.getMessage().contains("maxConnectionsPerAddress"), refused.getMessage());
            second.close();
            RunningProxy.await("the slot to be released", java.time.Duration.ofSeconds(10),
                    () -> proxy.server.stats().connections() == 1);
            try (Connection again = proxy.connect(); Statement st = again.createStatement();
                 ResultSet rs = st.executeQuery("select 1")) {
                assertTrue(rs.next(), "a slot freed by the address is its to use again");
            }
        }
    }
}
