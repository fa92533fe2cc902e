package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated messages, before and after authentication, against one proxy, while a
 * healthy pgjdbc client runs queries throughout. Bounded in count (and each case in time); the
 * seed is printed, and {@code -Dlattice.fuzz.seed=N} replays a run. Every case must end with an
 * answer or a close within its deadline; a Sync is always answered by ReadyForQuery unless the
 * connection ended with a FATAL; the proxy logs no stack trace and keeps accepting connections.
 */
class ProtocolFuzzTest {

    private static final int CASES = 1_500;
    /** Per read: far beyond what any case needs, short of what a hang would take. */
    private static final int DEADLINE_MS = 15_000;
    private static final String[] SQL = {
        "select 1", "select $1", "select 1 + $1", "SET application_name = 'fuzz'", "SHOW TimeZone",
        "SET application_name = a" + " ".repeat(5_000) + "b", "select (((((1)))))", "begin", "commit", "rollback",
        "select " + "(".repeat(300) + "1" + ")".repeat(300), "select 1" + "+1".repeat(3_000),
        "select " + "not ".repeat(300) + "true", "select 'x' || $1 || 'y'", "values (1, 'a'), (2, 'b')",
        "select * from fz", "insert into fz values ($1)", "select count(*) from fz where id = $1",
        "select $$dollar$$", "select $tag$" + "a".repeat(2_000) + "$ta", "/* unterminated", "select 'open",
        "SET TIME ZONE 'UTC'", "RESET ALL", "SHOW transaction isolation level", "select case when $1 then 1 end",
        "select e'\\x41'", "select 1; select 2", "", ";", "select \"", "set consistency = causal",
    };

    @Test
    void randomAndMutatedMessagesNeitherCrashNorHangTheProxy() throws Exception {
        long seed = Long.getLong("lattice.fuzz.seed", 0x1a77_1ce5L);
        System.out.println("ProtocolFuzzTest seed " + seed + " (-Dlattice.fuzz.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(originalErr, log), true));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger healthyRounds = new AtomicInteger();
        AtomicReference<Throwable> healthyFailure = new AtomicReference<>();
        long started = System.nanoTime();
        int[] outcomes = new int[4]; // answered and open, closed with FATAL, closed silently, closed after Terminate
        try (RunningProxy proxy = RunningProxy.start("fuzz", Map.of("auth", "trust", "maxMessageSize", 64 * 1024,
                "maxConnections", 20, "authenticationTimeout", 5,
                "users", List.of(Map.of("name", "lattice", "password", "lattice"))))) {
            try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
                s.execute("create table fz (id int)");
                s.execute("create table healthy (id int primary key, v int)");
                s.execute("insert into healthy values (1, 0)");
            }
            Thread healthy = new Thread(() -> {
                try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
                    for (int i = 1; i <= 1_000_000 && !stop.get(); i++) {
                        s.executeUpdate("update healthy set v = v + 1 where id = 1");
                        try (ResultSet rs = s.executeQuery("select v from healthy where id = 1")) {
                            rs.next();
                            if (rs.getInt(1) != i) {
                                throw new AssertionError("the healthy client read " + rs.getInt(1) + ", expected " + i);
                            }
                        }
                        healthyRounds.incrementAndGet();
                    }
                } catch (Throwable t) {
                    healthyFailure.set(t);
                }
            }, "fuzz-healthy-client");
            healthy.start();
            try {
                for (int n = 0; n < CASES; n++) {
                    int kind = n % 4;
                    try {
                        outcomes[runCase(proxy.port(), kind, random)]++;
                    } catch (Throwable t) {
                        throw new AssertionError("fuzz case " + n + " (kind " + kind + ", seed " + seed + ") failed", t);
                    }
                    if (healthyFailure.get() != null) {
                        throw new AssertionError("the healthy client failed during case " + n, healthyFailure.get());
                    }
                }
            } finally {
                stop.set(true);
                healthy.join(20_000);
            }
            assertNull(healthyFailure.get(), () -> "the healthy client failed: " + healthyFailure.get());
            assertTrue(healthyRounds.get() > 0, "the healthy client ran queries throughout");
            try (Connection c = proxy.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select 41 + 1")) {
                assertTrue(rs.next(), "the proxy still accepts connections");
                assertEquals(42, rs.getInt(1));
            }
            RunningProxy.await("every fuzz connection to be released", java.time.Duration.ofSeconds(20),
                    () -> proxy.server.stats().connections() == 0);
        } finally {
            System.setErr(originalErr);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        List<String> traces = text.lines().filter(l -> l.startsWith("\tat ") || l.contains("Exception in thread")).toList();
        System.out.printf("ProtocolFuzzTest: %d cases in %d ms (open %d, FATAL %d, closed %d, terminated %d),"
                + " healthy client rounds %d%n", CASES, (System.nanoTime() - started) / 1_000_000, outcomes[0],
                outcomes[1], outcomes[2], outcomes[3], healthyRounds.get());
        assertTrue(traces.isEmpty(), "no stack trace in the log; got:\n" + String.join("\n", traces.subList(0,
                Math.min(40, traces.size()))));
    }

    /** Runs one case; returns how it ended: 0 open and answering, 1 FATAL, 2 closed, 3 after Terminate. */
    private static int runCase(int port, int kind, Random random) throws IOException {
        try (RawClient c = new RawClient(port)) {
            c.timeout(DEADLINE_MS);
            switch (kind) {
                case 0 -> {
                    // before authentication: random bytes or a mutated start-up packet, then end of stream
                    c.send(random.nextBoolean() ? randomBytes(random, 1 + random.nextInt(300))
                            : mutate(random, RawClient.startup(random.nextInt(4) == 0 ? 3 << 16 | random.nextInt(3) : 196608,
                                    true, "user", "lattice", "database", "lattice", "_pq_.x", "1")));
                    c.shutdownOutput();
                    return drainToEnd(c);
                }
                case 1 -> {
                    // after authentication, framing broken: random bytes or a corrupted length
                    startup(c);
                    byte[] garbage = random.nextBoolean() ? randomBytes(random, 1 + random.nextInt(500))
                            : mutate(random, concat(RawClient.parse(pick(random, SQL)), RawClient.sync()));
                    c.send(garbage);
                    c.shutdownOutput();
                    return drainToEnd(c);
                }
                default -> {
                    // after authentication, well framed: known and unknown types, mutated bodies, then Sync and a query
                    startup(c);
                    return framedSequence(c, random);
                }
            }
        }
    }

    /**
     * Sends a few well-framed messages, then Sync and a marker query. Unless the connection ends
     * with a FATAL (or a Terminate was sent), the Sync and the marker must each be answered by
     * ReadyForQuery, the marker with its row: messages before them may be refused or discarded,
     * never left unanswered.
     */
    private static int framedSequence(RawClient c, Random random) throws IOException {
        boolean terminated = false;
        int count = 1 + random.nextInt(8);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            byte[] m = framedMessage(random);
            terminated |= m[0] == 'X';
            sent.writeBytes(m);
        }
        sent.writeBytes(RawClient.sync());
        sent.writeBytes(RawClient.query("select 'fuzz-marker'"));
        c.send(sent.toByteArray());
        int ready = 0;
        boolean marker = false;
        try {
            while (true) {
                RawClient.Message m = c.read();
                if (m.type() == 'E' && m.text().contains("SFATAL")) {
                    return expectEnd(c, 1);
                }
                if (m.type() == 'D' && m.text().contains("fuzz-marker")) {
                    marker = true;
                }
                if (m.type() == 'Z') {
                    ready++;
                    if (marker) {
                        assertTrue(ready >= 2, "the Sync before the marker was answered by ReadyForQuery");
                        return 0;
                    }
                }
            }
        } catch (EOFException | SocketException e) {
            if (terminated) {
                return 3;
            }
            throw new AssertionError("the connection closed without a FATAL after " + ready + " ReadyForQuery", e);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + DEADLINE_MS + " ms after " + ready
                    + " ReadyForQuery: the Sync and the marker query are each owed one", e);
        }
    }

    private static byte[] framedMessage(Random random) {
        byte[] valid = switch (random.nextInt(10)) {
            case 0 -> RawClient.query(pick(random, SQL));
            case 1 -> RawClient.parse(pick(random, SQL), random.nextBoolean() ? new int[0] : new int[] {pickType(random)});
            case 2 -> RawClient.bind((short) random.nextInt(2), random.nextBoolean() ? new byte[0][]
                    : new byte[][] {randomBytes(random, random.nextInt(12))});
            case 3 -> RawClient.execute();
            case 4 -> RawClient.message('D', new byte[] {(byte) (random.nextBoolean() ? 'S' : 'P'), 0});
            case 5 -> RawClient.message('C', new byte[] {(byte) (random.nextBoolean() ? 'S' : 'P'), 0});
            case 6 -> RawClient.sync();
            case 7 -> RawClient.message('H', new byte[0]);
            case 8 -> RawClient.message((char) "dcfX".charAt(random.nextInt(4)), randomBytes(random, random.nextInt(8)));
            default -> RawClient.message((char) random.nextInt(128), randomBytes(random, random.nextInt(20)));
        };
        if (random.nextInt(3) != 0) {
            return valid;
        }
        // mutate the body only: the frame (type and length) stays right
        byte[] body = mutate(random, Arrays.copyOfRange(valid, 5, valid.length));
        return RawClient.message((char) valid[0], body);
    }

    private static int pickType(Random random) {
        int[] oids = {0, 16, 17, 20, 21, 23, 25, 700, 701, 1043, 1082, 1083, 1114, 1184, 1700, 2950, 12345};
        return oids[random.nextInt(oids.length)];
    }

    private static void startup(RawClient c) throws IOException {
        c.sendStartup("lattice");
        if (c.readUntil('Z') == null) {
            throw new AssertionError("start-up failed");
        }
    }

    /** Reads until the server closes; a FATAL or nothing at all is fine, a timeout is a hang. */
    private static int drainToEnd(RawClient c) throws IOException {
        boolean fatal = false;
        try {
            while (true) {
                int first = c.readByte();
                if (first < 0) {
                    return fatal ? 1 : 2;
                }
                if (first == 'E') {
                    fatal = true;
                }
            }
        } catch (SocketException e) {
            return fatal ? 1 : 2;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed within " + DEADLINE_MS + " ms", e);
        }
    }

    private static int expectEnd(RawClient c, int outcome) throws IOException {
        drainToEnd(c);
        return outcome;
    }

    private static byte[] mutate(Random random, byte[] original) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && b.length > 0; i++) {
            switch (random.nextInt(5)) {
                case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 1 -> b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? 0 : 0xFF);
                case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 3 -> b = concat(b, randomBytes(random, 1 + random.nextInt(16)));
                default -> {
                    if (b.length >= 4) {
                        ByteBuffer.wrap(b).putInt(random.nextInt(b.length - 3), random.nextInt());
                    }
                }
            }
        }
        return b;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }

    /** Writes to the real stream and keeps a copy, so the test can read what was logged. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final ByteArrayOutputStream copy;

        TeeStream(OutputStream first, ByteArrayOutputStream copy) {
            this.first = first;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            copy.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }
}
