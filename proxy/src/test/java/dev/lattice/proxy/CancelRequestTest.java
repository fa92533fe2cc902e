package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CancelRequest on the wire, as a client that cancels right after sending its query does it. */
class CancelRequestTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("cancel", Map.of("auth", "trust",
                "users", List.of(Map.of("name", "lattice", "password", "lattice"))));
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /**
     * A client sends its query, then at once a CancelRequest on a second connection (opened before,
     * so the request follows the query closely). The query is on the wire first; the cancel must stop
     * it (57014) however early the proxy handles it, and the session must go on. Twenty rounds, so
     * that the cancel lands at various moments.
     */
    @Test
    void aCancelSentRightAfterItsQueryStopsIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (RawClient c = new RawClient(proxy.port())) {
                c.sendStartup("lattice");
                ByteBuffer key = ByteBuffer.wrap(c.readUntil('K').body());
                assertNotNull(c.readUntil('Z'));
                try (Socket cancel = new Socket("127.0.0.1", proxy.port())) {
                    // the cancel's connection is open already, so its request follows the query closely
                    cancel.setTcpNoDelay(true);
                    byte[] request = ByteBuffer.allocate(16).putInt(16).putInt(80877102)
                            .putInt(key.getInt()).putInt(key.getInt()).array();
                    c.send(RawClient.query("select sum(x) from system_range(1, 100000000000) r(x)"));
                    cancel.getOutputStream().write(request);
                    assertEquals(-1, cancel.getInputStream().read(), "the server closes the cancel connection");
                }
                c.timeout(30_000);
                RawClient.Message error = c.readUntil('E');
                assertNotNull(error, "round " + round);
                assertTrue(error.text().contains("57014"), "round " + round + ": " + error.text());
                assertNotNull(c.readUntil('Z'));
                c.send(RawClient.query("select 1"));
                assertNotNull(c.readUntil('D'), "the session goes on after round " + round);
            }
        }
    }
}
