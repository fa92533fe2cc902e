package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that sends queries and never reads their answers holds back its own session: the proxy
 * stops reading from it instead of gathering every answer in memory.
 */
class SlowReaderTest {

    /** Each answer is about this large: under the 64 KiB at which a result is pushed out mid-way. */
    private static final int ANSWER_BYTES = 60_000;
    /** Queries sent at once: with no backpressure the proxy would hold all their answers, ~120 MB. */
    private static final int QUERIES = 2_000;
    /** What the proxy may hold for one such client: its write buffer's high-water mark and a few answers, generously. */
    private static final long BOUND_BYTES = 32L * 1024 * 1024;
    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("slowreader", Map.of("auth", "trust"));
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table wide (id int primary key, v varchar(100000))");
            s.execute("insert into wide values (1, repeat('x', " + ANSWER_BYTES + "))");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    @Test
    void smallAnswersToAClientThatNeverReadsDoNotPileUpInTheProxy() throws Exception {
        assertAnswersDoNotPileUp("select repeat('y', " + ANSWER_BYTES + ")");
    }

    @Test
    void pointReadsOfAClientThatNeverReadsDoNotPileUpInTheProxy() throws Exception {
        assertAnswersDoNotPileUp("select v from wide where id = 1");
    }

    private static void assertAnswersDoNotPileUp(String sql) throws Exception {
        long before = used();
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            c.readUntil('Z');
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] one = RawClient.query(sql);
            for (int i = 0; i < QUERIES; i++) {
                all.writeBytes(one);
            }
            Thread sender = new Thread(() -> {
                try {
                    c.send(all.toByteArray());
                } catch (Exception e) {
                    // closed at the end of the test while still blocked: expected with backpressure
                }
            }, "slow-reader-sender");
            sender.setDaemon(true);
            sender.start();
            // Either the session waits for the client to read (backpressure), or the proxy gathers answers.
            RunningProxy.await("the session to wait for the client or the proxy to hold its answers",
                    Duration.ofSeconds(60), () -> sessionWaitsForClient() || used() - before > BOUND_BYTES);
            long held = used() - before;
            assertTrue(held <= BOUND_BYTES, "the proxy holds " + held / 1024 / 1024
                    + " MB of answers for a client that does not read");
        }
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            assertTrue(s.execute("select 1"), "other sessions go on");
        }
    }

    private static long used() {
        PooledByteBufAllocatorMetric m = PooledByteBufAllocator.DEFAULT.metric();
        return m.usedDirectMemory() + m.usedHeapMemory();
    }

    /** A session thread waits for its channel to become writable again. */
    private static boolean sessionWaitsForClient() {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> {
            for (StackTraceElement e : stack) {
                if (e.getClassName().endsWith(".Outbound") && e.getMethodName().equals("awaitWritable")) {
                    return true;
                }
            }
            return false;
        });
    }
}
