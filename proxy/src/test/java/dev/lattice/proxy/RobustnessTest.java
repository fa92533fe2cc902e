package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input closes only the connection that sent it, with an ErrorResponse where the protocol
 * allows, while a healthy client on the same proxy keeps running queries throughout.
 */
class RobustnessTest {

    private static final int MAX_MESSAGE = 64 * 1024;
    private static RunningProxy proxy;
    private static Connection healthy;
    private static Thread healthyLoop;
    private static final AtomicBoolean stop = new AtomicBoolean();
    private static final AtomicInteger healthyQueries = new AtomicInteger();
    private static final AtomicReference<Throwable> healthyFailure = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("robust", Map.of("auth", "trust", "maxConnections", 3,
                "maxMessageSize", MAX_MESSAGE, "users", List.of(Map.of("name", "lattice", "password", "lattice"))));
        healthy = proxy.connect();
        try (Statement s = healthy.createStatement()) {
            s.execute("create table h (id int primary key, v int)");
            s.execute("insert into h values (1, 0)");
        }
        healthyLoop = new Thread(() -> {
            try (Statement s = healthy.createStatement()) {
                // bounded in count as well as by the flag
                for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                    s.executeUpdate("update h set v = v + 1 where id = 1");
                    try (ResultSet rs = s.executeQuery("select v from h where id = 1")) {
                        rs.next();
                    }
                    healthyQueries.incrementAndGet();
                }
            } catch (Throwable t) {
                healthyFailure.set(t);
            }
        }, "healthy-client");
        healthyLoop.start();
    }

    @AfterEach
    void healthyClientStillWorks() throws Exception {
        int before = healthyQueries.get();
        RunningProxy.await("the healthy client to keep going", Duration.ofSeconds(20),
                () -> healthyQueries.get() > before + 5 || healthyFailure.get() != null);
        if (healthyFailure.get() != null) {
            throw new AssertionError("the healthy client failed", healthyFailure.get());
        }
        RunningProxy.await("closed connections to be released", Duration.ofSeconds(10),
                () -> proxy.server.stats().connections() == 1);
    }

    @AfterAll
    static void stop() throws Exception {
        stop.set(true);
        healthyLoop.join(10_000);
        healthy.close();
        proxy.close();
    }

    private static void assertFatal(List<RawClient.Message> messages, String sqlState) {
        RawClient.Message error = messages.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
        assertNotNull(error, "an ErrorResponse before the close; got " + messages);
        assertTrue(error.text().contains("C" + sqlState), "SQLState " + sqlState + " in " + error.text());
    }

    @Test
    void randomBytesCloseTheirConnection() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            byte[] garbage = new byte[4096];
            random.nextBytes(garbage);
            try (RawClient c = new RawClient(proxy.port())) {
                c.send(garbage);
                c.readToEnd();
            }
        }
    }

    @Test
    void randomBytesAfterStartupCloseTheirConnection() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            byte[] garbage = new byte[4096];
            random.nextBytes(garbage);
            try (RawClient c = new RawClient(proxy.port())) {
                c.sendStartup("lattice");
                assertNotNull(c.readUntil('Z'));
                c.send(garbage);
                assertFatal(c.readToEnd(), "");
            }
        }
    }

    @Test
    void aOneGigabyteLengthPrefixIsRefusedWithoutReadingIt() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            c.send(ByteBuffer.allocate(5).put((byte) 'Q').putInt(1 << 30).array());
            assertFatal(c.readToEnd(), "54000");
        }
    }

    @Test
    void anOversizedMessageIsRefused() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.query("select '" + "x".repeat(MAX_MESSAGE) + "'"));
            assertFatal(c.readToEnd(), "54000");
        }
    }

    @Test
    void aMessageShorterThanItsFieldsIsAnErrorAndTheConnectionGoesOn() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            // Bind claiming 5 parameter values but carrying none: the frame is intact, so as in
            // PostgreSQL an ERROR, then the discard until Sync
            c.send(RawClient.message('B', new byte[] {0, 0, 0, 0, 0, 5}));
            c.send(RawClient.sync());
            RawClient.Message error = c.readUntil('E');
            assertTrue(error.text().contains("SERROR") && error.text().contains("C08P01"), error.text());
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.query("select 1"));
            assertNotNull(c.readUntil('D'), "the connection is usable after Sync");
        }
    }

    @Test
    void aTruncatedMessageThenAClosedSocketLeavesNothingBehind() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            byte[] full = RawClient.query("select 1");
            c.send(java.util.Arrays.copyOf(full, full.length - 3));
        }
        RunningProxy.await("the session of the closed socket to go", Duration.ofSeconds(10),
                () -> proxy.server.stats().sessions() == 1);
    }

    @Test
    void messagesOutOfOrderAreRefusedOrAnsweredWithAnError() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            // Execute of a portal that does not exist: an error, then discard until Sync
            c.send(RawClient.message('E', new byte[] {'n', 'o', 0, 0, 0, 0, 0}));
            c.send(RawClient.query("select 1"));
            c.send(RawClient.message('S', new byte[0]));
            RawClient.Message error = c.readUntil('E');
            assertTrue(error.text().contains("C34000"), error.text());
            RawClient.Message ready = c.readUntil('Z');
            assertEquals('I', (char) ready.body()[0]);
            c.send(RawClient.query("select 1"));
            assertNotNull(c.readUntil('D'), "the connection is usable after Sync");
            assertNotNull(c.readUntil('Z'));
            // a password message after start-up is out of order: the connection goes
            c.send(RawClient.message('p', new byte[] {'x', 0}));
            assertFatal(c.readToEnd(), "08P01");
        }
    }

    @Test
    void oneConnectionOverTheLimitIsRefused() throws Exception {
        try (RawClient first = new RawClient(proxy.port()); RawClient second = new RawClient(proxy.port())) {
            first.sendStartup("lattice");
            assertNotNull(first.readUntil('Z'));
            second.sendStartup("lattice");
            assertNotNull(second.readUntil('Z'));
            try (RawClient over = new RawClient(proxy.port())) {
                over.sendStartup("lattice");
                assertFatal(over.readToEnd(), "53300");
            }
            first.send(RawClient.query("select 1"));
            assertNotNull(first.readUntil('Z'), "connections within the limit keep working");
        }
    }

    @Test
    void anUnsupportedProtocolVersionIsRefused() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.send(ByteBuffer.allocate(8).putInt(8).putInt(2 << 16).array());
            assertFatal(c.readToEnd(), "0A000");
        }
    }

    @Test
    void sslRequestIsAnsweredNoWithoutACertificate() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
            assertEquals('N', s.getInputStream().read());
            s.getOutputStream().write(RawClient.startup("lattice"));
            assertEquals('R', s.getInputStream().read(), "start-up goes on in the clear after 'N'");
        }
    }

    @Test
    void aLargeMessageBeforeAuthenticationIsRefusedWithoutReadingIt() throws Exception {
        try (RunningProxy scram = RunningProxy.start("robust-preauth", Map.of("maxMessageSize", 16 << 20))) {
            try (RawClient c = new RawClient(scram.port())) {
                c.sendStartup("lattice");
                assertEquals('R', c.read().type(), "AuthenticationSASL");
                // a password message announcing a megabyte: only its header is sent
                c.send(ByteBuffer.allocate(5).put((byte) 'p').putInt(1 << 20).array());
                assertFatal(c.readToEnd(), "08P01");
            }
            try (Connection ok = scram.connect(); Statement s = ok.createStatement();
                 ResultSet rs = s.executeQuery("select length('" + "x".repeat(200_000) + "')")) {
                assertTrue(rs.next(), "after authentication, messages up to maxMessageSize are read");
                assertEquals(200_000, rs.getInt(1));
            }
        }
    }

    @Test
    void queriesBeforeAuthenticationAndAWrongPasswordAreRefused() throws Exception {
        try (RunningProxy scram = RunningProxy.start("robust-scram")) {
            try (RawClient c = new RawClient(scram.port())) {
                c.sendStartup("lattice");
                RawClient.Message sasl = c.read();
                assertEquals('R', sasl.type());
                c.send(RawClient.query("select 1"));
                assertFatal(c.readToEnd(), "08P01");
            }
            SQLException wrong = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> scram.connect(RunningProxy.props("password", "wrong")));
            assertEquals("28P01", wrong.getSQLState());
            SQLException unknown = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> scram.connect(RunningProxy.props("user", "nobody")));
            assertEquals("28P01", unknown.getSQLState());
            try (Connection ok = scram.connect(); Statement s = ok.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                assertTrue(rs.next());
            }
        }
    }
}
