package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code idleTimeout} closes sessions that wait for their client, never one whose statement is running. */
class IdleTimeoutTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("idletimeout", Map.of("auth", "trust", "idleTimeout", 1,
                "users", List.of(Map.of("name", "lattice", "password", "lattice"))));
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table busy (id int primary key, v int)");
            s.execute("insert into busy values (1, 0), (2, 0)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    private static String text(List<RawClient.Message> messages) {
        StringBuilder b = new StringBuilder();
        for (RawClient.Message m : messages) {
            b.append(m.type()).append(':').append(m.text().replace('\0', '|')).append(' ');
        }
        return b.toString();
    }

    @Test
    void aSessionWhoseStatementWaitsLongerThanTheIdleTimeoutIsNotClosed() throws Exception {
        // A row lock on the primary, held by a connection of the node itself, keeps the statement waiting.
        try (Connection holder = proxy.server.cluster().primary().connect();
             RawClient busy = new RawClient(proxy.port())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("update busy set v = 10 where id = 1");
            }
            busy.timeout(60_000);
            busy.sendStartup("lattice");
            assertNotNull(busy.readUntil('Z'));
            busy.send(RawClient.query("update busy set v = v + 1"));
            // The clock: a session that connects after the statement started, and is idle, is closed.
            try (RawClient idle = new RawClient(proxy.port())) {
                idle.timeout(60_000);
                idle.sendStartup("lattice");
                assertNotNull(idle.readUntil('Z'));
                String closed = text(idle.readToEnd());
                assertTrue(closed.contains("C57P05"), "the idle session is closed: " + closed);
            }
            holder.rollback();
            List<RawClient.Message> answer = new ArrayList<>();
            RawClient.Message m;
            do {
                try {
                    m = busy.read();
                } catch (java.io.EOFException e) {
                    throw new AssertionError("the session whose statement was waiting got closed: " + text(answer), e);
                }
                answer.add(m);
            } while (m.type() != 'Z');
            assertTrue(answer.stream().anyMatch(a -> a.type() == 'C' && a.text().startsWith("UPDATE 2")),
                    "the waiting statement ran to its end: " + text(answer));
            assertEquals('I', (char) answer.get(answer.size() - 1).body()[0]);
        }
    }
}
