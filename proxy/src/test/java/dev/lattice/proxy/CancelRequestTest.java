package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.Await;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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

    /**
     * pgjdbc's Statement.cancel sends a CancelRequest: a statement waiting for a SERIALIZABLE lock
     * another session holds ends at once with 57014, not at the lock timeout with 40001, and its
     * session goes on.
     */
    @Test
    void aCancelEndsAWaitForASerializableLock() throws Exception {
        try (Connection holder = proxy.connect(); Connection waiter = proxy.connect(); Connection admin = proxy.connect();
             Statement h = holder.createStatement(); Statement w = waiter.createStatement()) {
            h.execute("create table locked (id int primary key, v int)");
            h.execute("insert into locked values (1, 0)");
            h.execute("begin isolation level serializable");
            h.executeUpdate("update locked set v = 1 where id = 1");
            w.execute("begin isolation level serializable");
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return w.executeUpdate("update locked set v = 2 where id = 1");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Await.until("the waiter to wait for the row lock", Duration.ofSeconds(10), () -> waitingLocks(admin) == 1);
            w.cancel();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> waiting.get(30, TimeUnit.SECONDS));
            SQLException cause = (SQLException) e.getCause();
            assertEquals("57014", cause.getSQLState(), "ended by the cancel, not by the lock timeout: " + cause.getMessage());
            assertEquals(0, waitingLocks(admin), "no wait is left");
            w.execute("rollback");
            h.execute("commit");
            assertEquals(1, w.executeUpdate("update locked set v = 2 where id = 1"), "the waiter's session goes on");
        }
    }

    private static int waitingLocks(Connection admin) {
        int waiting = 0;
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SHOW LOCKS")) {
            while (rs.next()) {
                waiting += "WAITING".equals(rs.getString("state")) ? 1 : 0;
            }
        } catch (SQLException e) {
            return -1;
        }
        return waiting;
    }
}
