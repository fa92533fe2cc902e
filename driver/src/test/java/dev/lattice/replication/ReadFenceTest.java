package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lattice.testing.Await;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import org.junit.jupiter.api.Test;

/**
 * A primary read that fails with an exception from inside H2 (its general error, 50000) is run
 * again, up to three attempts; any other failure of a read no DDL overlapped is the statement's own.
 * A read that DDL overlaps on every attempt is not answered with what it saw: its last attempt
 * runs pinned, and the next DDL waits for it.
 */
class ReadFenceTest {

    private static final SQLException INSIDE_H2 = new SQLException(
            "General error: \"java.util.ConcurrentModificationException\"", "HY000", 50000);

    @Test
    void aReadThatFailedInsideH2RunsAgain() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String result = new ReadFence().whole(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw INSIDE_H2;
            }
            return "rows";
        });
        assertEquals("rows", result);
        assertEquals(2, attempts.get());
    }

    @Test
    void aReadThatKeepsFailingInsideH2FailsAfterThreeAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        SQLException e = assertThrows(SQLException.class, () -> new ReadFence().whole(() -> {
            attempts.incrementAndGet();
            throw INSIDE_H2;
        }));
        assertSame(INSIDE_H2, e);
        assertEquals(3, attempts.get());
    }

    @Test
    void theStatementsOwnErrorIsNotRunAgain() {
        AtomicInteger attempts = new AtomicInteger();
        SQLException own = new SQLException("Division by zero", "22012", 22012);
        SQLException e = assertThrows(SQLException.class, () -> new ReadFence().whole(() -> {
            attempts.incrementAndGet();
            throw own;
        }));
        assertSame(own, e);
        assertEquals(1, attempts.get());
    }

    @Test
    void aReadThatDdlOverlapsEveryTimeRunsPinnedAndTheNextDdlWaitsForIt() throws Exception {
        ReadFence fence = new ReadFence();
        ExecutorService ddl = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger attempts = new AtomicInteger();
            AtomicReference<Future<?>> lastDdl = new AtomicReference<>();
            String answer = fence.whole(() -> tryDdlDuringRead(fence, ddl, attempts, lastDdl));
            assertEquals("alone", answer, "the answer kept is from an attempt no DDL overlapped");
            assertEquals(3, attempts.get(), "two overlapped attempts, then the pinned one");
            lastDdl.get().get(10, TimeUnit.SECONDS);
            assertEquals(6, fence.version(), "the DDL that waited for the pinned read ran after it");
        } finally {
            ddl.shutdownNow();
        }
    }

    @Test
    void aReadThatWaitsForDdlLongerThanTheTimeoutFailsWithHyt00AndIsNotAnsweredMeanwhile() throws Exception {
        ReadFence fence = new ReadFence();
        long saved = ReadFence.awaitOpenNanos;
        ReadFence.awaitOpenNanos = TimeUnit.MILLISECONDS.toNanos(200);
        ExecutorService ddl = Executors.newSingleThreadExecutor();
        try {
            ddl.submit(fence::close).get(10, TimeUnit.SECONDS); // a DDL that does not end
            AtomicInteger attempts = new AtomicInteger();
            SQLException e = assertThrows(SQLException.class, () -> fence.whole(() -> {
                attempts.incrementAndGet();
                return "overlapped";
            }));
            assertEquals("HYT00", e.getSQLState(), e.getMessage());
            assertEquals(2, attempts.get(), "the optimistic attempts ran; their answers were thrown away");
            ddl.submit(fence::open).get(10, TimeUnit.SECONDS);
            assertEquals("alone", fence.whole(() -> "alone"), "once the DDL ended, the read is answered");
        } finally {
            ReadFence.awaitOpenNanos = saved;
            ddl.shutdownNow();
        }
    }

    @Test
    void withoutTheFenceTheReadIsAnsweredWithWhatDdlOverlapped() throws Exception {
        ReadFence fence = new ReadFence();
        ExecutorService ddl = Executors.newSingleThreadExecutor();
        ReadFence.enabled = false;
        try {
            AtomicInteger attempts = new AtomicInteger();
            String answer = fence.whole(() -> tryDdlDuringRead(fence, ddl, attempts, new AtomicReference<>()));
            assertEquals("overlapped", answer);
            assertEquals(1, attempts.get());
        } finally {
            ReadFence.enabled = true;
            ddl.shutdownNow();
        }
    }

    /**
     * A read that has DDL (a close and an open of the fence) run on another thread while it runs:
     * "overlapped" when the DDL ran, "alone" when the DDL waits for this read to finish.
     */
    private static String tryDdlDuringRead(ReadFence fence, ExecutorService ddl, AtomicInteger attempts,
                                           AtomicReference<Future<?>> submitted) {
        attempts.incrementAndGet();
        AtomicReference<Thread> closing = new AtomicReference<>();
        Future<?> done = ddl.submit(() -> {
            closing.set(Thread.currentThread());
            fence.close();
            fence.open();
        });
        submitted.set(done);
        Await.until("the DDL to run or to wait for the read", Duration.ofSeconds(10),
                () -> done.isDone() || waitsForTheFence(closing.get()));
        return done.isDone() ? "overlapped" : "alone";
    }

    private static boolean waitsForTheFence(Thread t) {
        return t != null && t.getState() == Thread.State.WAITING && LockSupport.getBlocker(t) instanceof StampedLock;
    }
}
