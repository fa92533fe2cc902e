package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.proxy.server.ProxyServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Input crafted to cost the proxy time, stack or connection slots is answered as PostgreSQL answers
 * it, in time proportional to its size, and the session (and everyone else's) goes on.
 */
class HostileClientTest {

    /** Generous: the point is an answer at all, where the old code never answered or died. */
    private static final int ANSWER_WITHIN_MS = 60_000;
    private static RunningProxy proxy;
    private static Connection control;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("hostile", Map.of("auth", "trust", "maxStatementLength", 1_000_000,
                "users", List.of(Map.of("name", "lattice", "password", "lattice"))));
        control = proxy.connect();
        try (Statement s = control.createStatement()) {
            s.execute("create table control (id int primary key, v varchar(20))");
            s.execute("insert into control values (1, 'intact')");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (Statement s = control.createStatement(); ResultSet rs = s.executeQuery("select v from control where id = 1")) {
            assertTrue(rs.next());
            assertEquals("intact", rs.getString(1), "the control session's data is intact");
        }
        control.close();
        proxy.close();
    }

    private static RawClient ready() throws Exception {
        RawClient c = new RawClient(proxy.port());
        c.timeout(ANSWER_WITHIN_MS);
        c.sendStartup("lattice");
        assertNotNull(c.readUntil('Z'));
        return c;
    }

    /** Sends a simple query and returns every message up to its ReadyForQuery. */
    private static List<RawClient.Message> roundTrip(RawClient c, byte[] message) throws Exception {
        c.send(message);
        return c.readUpToReady();
    }

    private static String errorState(List<RawClient.Message> messages) {
        for (RawClient.Message m : messages) {
            if (m.type() == 'E') {
                assertTrue(m.text().contains("SERROR"), "an ERROR, not FATAL: " + m.text());
                int at = m.text().indexOf("\0C");
                return m.text().substring(at + 2, at + 7);
            }
        }
        return null;
    }

    private static void stillAnswersSelectOne(RawClient c) throws Exception {
        List<RawClient.Message> got = roundTrip(c, RawClient.query("select 1"));
        assertNull(errorState(got), "select 1 after the hostile statement: " + got);
        assertTrue(got.stream().anyMatch(m -> m.type() == 'D'), "a row for select 1");
    }

    @Test
    void aSetWithTwentyThousandSpacesIsAnsweredAndTheSessionGoesOn() throws Exception {
        String sql = "SET application_name = a" + " ".repeat(20_000) + "b";
        try (RawClient c = ready()) {
            List<RawClient.Message> got = roundTrip(c, RawClient.query(sql));
            assertTrue(got.stream().anyMatch(m -> m.type() == 'C'), "SET completes: " + got);
            c.send(RawClient.parse(sql));
            c.send(RawClient.bind((short) 0));
            c.send(RawClient.execute());
            List<RawClient.Message> extended = roundTrip(c, RawClient.sync());
            assertNull(errorState(extended), extended.toString());
            assertTrue(extended.stream().anyMatch(m -> m.type() == 'C'), "the extended SET completes: " + extended);
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void deepExpressionsAreAnErrorAndTheSessionGoesOn() throws Exception {
        int n = 400;
        List<String> deep = List.of(
                "SELECT " + "(".repeat(n) + "1" + ")".repeat(n),
                "SELECT " + "NOT ".repeat(n) + "true",
                "SELECT " + "- ".repeat(n) + "1",
                "SELECT " + "CASE WHEN true THEN ".repeat(n) + "1" + " END".repeat(n),
                "SELECT " + "ABS(".repeat(n) + "1" + ")".repeat(n),
                "SELECT " + "(SELECT ".repeat(n) + "1" + ")".repeat(n),
                "SELECT 1" + "+1".repeat(100_000),
                "SELECT " + "ARRAY[".repeat(n) + "1" + "]".repeat(n));
        try (RawClient c = ready()) {
            for (String sql : deep) {
                List<RawClient.Message> got = roundTrip(c, RawClient.query(sql));
                assertEquals("54001", errorState(got), sql.substring(0, 40));
                c.send(RawClient.parse(sql));
                List<RawClient.Message> extended = roundTrip(c, RawClient.sync());
                assertEquals("54001", errorState(extended), "Parse of " + sql.substring(0, 40));
                stillAnswersSelectOne(c);
            }
        }
    }

    @Test
    void expressionsWithinTheBoundsStillRun() throws Exception {
        try (RawClient c = ready()) {
            List<RawClient.Message> got = roundTrip(c, RawClient.query(
                    "SELECT " + "(".repeat(100) + "1" + ")".repeat(100) + " + 1" + " + 1".repeat(500)
                            + " FROM control WHERE " + "1 = 1 AND ".repeat(5_000) + "true"));
            assertNull(errorState(got), got.toString());
            assertTrue(got.stream().anyMatch(m -> m.type() == 'D' && m.text().contains("502")), got.toString());
        }
    }

    @Test
    void aStatementOverMaxStatementLengthIsAnError() throws Exception {
        try (RawClient c = ready()) {
            List<RawClient.Message> got = roundTrip(c, RawClient.query("select '" + "x".repeat(1_000_000) + "'"));
            assertEquals("54000", errorState(got));
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void aStartupPacketWithoutItsTerminatorOrWithBytesAfterItIsRefused() throws Exception {
        byte[][] bad = {
            RawClient.startup(196608, false, "user", "lattice", "database", "lattice"),
            withExtraByte(RawClient.startup(196608, true, "user", "lattice")),
            RawClient.startup(196608, false, "user"),
        };
        for (byte[] packet : bad) {
            try (RawClient c = new RawClient(proxy.port())) {
                c.send(packet);
                List<RawClient.Message> got = c.readToEnd();
                assertEquals(1, got.size(), got.toString());
                assertTrue(got.get(0).text().contains("SFATAL") && got.get(0).text().contains("C08P01")
                        && got.get(0).text().contains("invalid startup packet layout"), got.get(0).text());
            }
        }
    }

    private static byte[] withExtraByte(byte[] packet) {
        byte[] b = Arrays.copyOf(packet, packet.length + 1);
        b[packet.length] = 'x';
        ByteBuffer.wrap(b).putInt(b.length);
        return b;
    }

    @Test
    void protocol3Point2IsNegotiatedDownTo3Point0() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.send(RawClient.startup(3 << 16 | 2, true, "user", "lattice", "_pq_.something", "on"));
            RawClient.Message v = c.read();
            assertEquals('v', v.type(), v.text());
            ByteBuffer body = ByteBuffer.wrap(v.body());
            assertEquals(0, body.getInt(), "newest minor version supported");
            assertEquals(1, body.getInt(), "one unrecognized option");
            assertTrue(v.text().contains("_pq_.something"));
            assertNotNull(c.readUntil('Z'), "start-up goes on at 3.0");
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void aMalformedBindIsAnErrorThatDiscardsUntilSync() throws Exception {
        try (RawClient c = ready()) {
            c.send(RawClient.parse("select 1"));
            // Bind claiming 5 parameter values but carrying none: the frame is intact, its body is not
            c.send(RawClient.message('B', new byte[] {0, 0, 0, 0, 0, 5}));
            c.send(RawClient.execute());
            List<RawClient.Message> got = roundTrip(c, RawClient.sync());
            assertEquals("08P01", errorState(got));
            assertTrue(got.stream().noneMatch(m -> m.type() == 'D'), "Execute was discarded: " + got);
            assertEquals(1, got.stream().filter(m -> m.type() == 'E').count(), got.toString());
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void aMalformedQueryIsAnErrorFollowedByReadyForQuery() throws Exception {
        try (RawClient c = ready()) {
            // text, its terminator, then a stray byte the frame still counts
            List<RawClient.Message> got = roundTrip(c, RawClient.message('Q', "select 1\0x".getBytes(StandardCharsets.UTF_8)));
            assertEquals("08P01", errorState(got));
            List<RawClient.Message> unterminated = roundTrip(c, RawClient.message('Q', "select 1".getBytes(StandardCharsets.UTF_8)));
            assertEquals("08P01", errorState(unterminated));
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void copyMessagesOutsideCopyAreIgnored() throws Exception {
        try (RawClient c = ready()) {
            c.send(RawClient.message('d', "1\t2\n".getBytes(StandardCharsets.UTF_8)));
            c.send(RawClient.message('c', new byte[0]));
            c.send(RawClient.message('f', "stop\0".getBytes(StandardCharsets.UTF_8)));
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void aParameterNumberNoBindCanSupplyIsAnErrorAtParse() throws Exception {
        try (RawClient c = ready()) {
            for (String sql : List.of("select $2147483647", "select $65536")) {
                c.send(RawClient.parse(sql));
                c.send(RawClient.message('D', new byte[] {'S', 0}));
                List<RawClient.Message> got = roundTrip(c, RawClient.sync());
                assertEquals("54000", errorState(got), sql + ": " + got);
            }
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void aQueryDuringCopyFromStdinFailsTheCopyAndIsNotRun() throws Exception {
        try (Statement s = control.createStatement()) {
            s.execute("create table copied (id int primary key)");
        }
        try (RawClient c = ready()) {
            c.send(RawClient.query("copy copied from stdin"));
            assertNotNull(c.readUntil('G'), "CopyInResponse");
            c.send(RawClient.message('d', "1\n".getBytes(StandardCharsets.UTF_8)));
            // As PostgreSQL: a protocol violation that ends the COPY; the message that broke it is consumed, not run.
            List<RawClient.Message> failed = roundTrip(c, RawClient.query("insert into copied values (2)"));
            assertEquals("08P01", errorState(failed), failed.toString());
            List<RawClient.Message> count = roundTrip(c, RawClient.query("select count(*) from copied"));
            assertNull(errorState(count), count.toString());
            assertTrue(count.stream().anyMatch(m -> m.type() == 'D' && m.text().endsWith("0")),
                    "neither the COPY's row nor the INSERT sent during the COPY is stored: " + count);
        }
    }

    @Test
    void invalidUtf8AndNulBytesInTextAreRefused() throws Exception {
        try (RawClient c = ready()) {
            byte[] badQuery = {'s', 'e', 'l', 'e', 'c', 't', ' ', '\'', (byte) 0xC3, '(', '\'', 0};
            List<RawClient.Message> got = roundTrip(c, RawClient.message('Q', badQuery));
            assertEquals("22021", errorState(got));
            assertTrue(got.stream().anyMatch(m -> m.text().contains("invalid byte sequence for encoding \"UTF8\": 0xc3 0x28")),
                    got.toString());
            byte[] overlong = {'s', 'e', 'l', 'e', 'c', 't', ' ', '\'', (byte) 0xC0, (byte) 0xAF, '\'', 0};
            assertEquals("22021", errorState(roundTrip(c, RawClient.message('Q', overlong))));
            byte[] surrogate = {'s', 'e', 'l', 'e', 'c', 't', ' ', '\'', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\'', 0};
            assertEquals("22021", errorState(roundTrip(c, RawClient.message('Q', surrogate))));

            c.send(RawClient.parse("select $1", 25));
            c.send(RawClient.bind((short) 0, new byte[] {'a', 0, 'b'}));
            c.send(RawClient.execute());
            assertEquals("22021", errorState(roundTrip(c, RawClient.sync())), "a NUL in a text parameter");

            c.send(RawClient.parse("select $1", 25));
            c.send(RawClient.bind((short) 1, new byte[] {'a', (byte) 0xFF}));
            c.send(RawClient.execute());
            assertEquals("22021", errorState(roundTrip(c, RawClient.sync())), "a binary text parameter");

            c.send(RawClient.parse("select $1", 25));
            c.send(RawClient.bind((short) 0, "zaż\u00f3łć".getBytes(StandardCharsets.UTF_8)));
            c.send(RawClient.execute());
            List<RawClient.Message> fine = roundTrip(c, RawClient.sync());
            assertNull(errorState(fine), "valid UTF-8 passes: " + fine);
            stillAnswersSelectOne(c);
        }
    }

    @Test
    void binaryDatesAndTimestampsOutOfRangeAreRefused() throws Exception {
        try (RawClient c = ready()) {
            c.send(RawClient.parse("select $1", 1082));
            c.send(RawClient.bind((short) 1, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array()));
            c.send(RawClient.execute());
            assertEquals("22008", errorState(roundTrip(c, RawClient.sync())), "date");

            c.send(RawClient.parse("select $1", 1114));
            c.send(RawClient.bind((short) 1, ByteBuffer.allocate(8).putLong(Long.MAX_VALUE - 1).array()));
            c.send(RawClient.execute());
            assertEquals("22008", errorState(roundTrip(c, RawClient.sync())), "timestamp");

            c.send(RawClient.parse("select $1", 1083));
            c.send(RawClient.bind((short) 1, ByteBuffer.allocate(8).putLong(-1).array()));
            c.send(RawClient.execute());
            assertEquals("22008", errorState(roundTrip(c, RawClient.sync())), "time");

            c.send(RawClient.parse("select $1", 1082));
            c.send(RawClient.bind((short) 1, ByteBuffer.allocate(4).putInt(0).array()));
            c.send(RawClient.execute());
            List<RawClient.Message> fine = roundTrip(c, RawClient.sync());
            assertNull(errorState(fine), fine.toString());
            assertTrue(fine.stream().anyMatch(m -> m.type() == 'D' && m.text().contains("2000-01-01")), fine.toString());
        }
    }

    @Test
    void aDisconnectStopsTheStatementItsSessionRuns() throws Exception {
        try (RawClient c = ready()) {
            c.send(RawClient.query("select sum(x) from system_range(1, 100000000000) r(x)"));
            RunningProxy.await("the statement to run", Duration.ofSeconds(20), () -> !busySessionThreads().isEmpty());
        }
        RunningProxy.await("the session's thread to stop after the disconnect", Duration.ofSeconds(20),
                () -> busySessionThreads().isEmpty());
    }

    /** Session threads running a statement (in H2 or the proxy's session code) now. */
    static List<String> busySessionThreads() {
        List<String> busy = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith(ProxyServer.SESSION_THREAD_PREFIX) && t.getState() == Thread.State.RUNNABLE) {
                for (StackTraceElement e : stack) {
                    if (e.getClassName().startsWith("org.h2.") || e.getClassName().startsWith("dev.lattice.proxy.session")) {
                        busy.add(t.getName());
                        break;
                    }
                }
            }
        });
        return busy;
    }
}
