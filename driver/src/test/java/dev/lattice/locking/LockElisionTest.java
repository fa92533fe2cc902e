package dev.lattice.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.Await;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Writers elide their locks only while no SERIALIZABLE transaction runs, without taking a monitor. */
class LockElisionTest {

    @Test
    void aSerializableTransactionWaitsForElidingWritersAndMakesNewOnesLock() throws Exception {
        LockElision elision = new LockElision();
        assertTrue(elision.tryElide());
        SQLException timeout = assertThrows(SQLException.class, () -> elision.beginSerializable(50));
        assertEquals(LockManager.ROLLED_BACK, timeout.getSQLState());
        assertTrue(elision.tryElide(), "a serializable transaction that gave up no longer counts");
        elision.endElided();

        CompletableFuture<Void> serializable = CompletableFuture.runAsync(() -> {
            try {
                elision.beginSerializable(TimeUnit.SECONDS.toMillis(30));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the serializable transaction to count itself in",
                Duration.ofSeconds(10), () -> {
                    if (elision.tryElide()) {
                        elision.endElided();
                        return false;
                    }
                    return true;
                });
        assertFalse(serializable.isDone(), "a writer still elides");
        elision.endElided();
        serializable.get(10, TimeUnit.SECONDS);
        assertFalse(elision.tryElide(), "writers lock while it runs");
        elision.endSerializable();
        assertTrue(elision.tryElide());
        elision.endElided();
    }

    /**
     * Eliding writers and serializable transactions at full speed: each marks itself while it runs
     * and looks for the other's mark after setting its own, so any overlap is seen. Writers that
     * counted themselves in after reading the serializable count would overlap within a few
     * thousand rounds.
     */
    @Test
    void noWriterElidesWhileASerializableTransactionRuns() throws Exception {
        LockElision elision = new LockElision();
        AtomicInteger elidingNow = new AtomicInteger();
        AtomicBoolean serializableNow = new AtomicBoolean();
        AtomicLong overlaps = new AtomicLong();
        AtomicLong elided = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            writers.add(CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    if (elision.tryElide()) {
                        elidingNow.incrementAndGet();
                        if (serializableNow.get()) {
                            overlaps.incrementAndGet();
                        }
                        elidingNow.decrementAndGet();
                        elided.incrementAndGet();
                        elision.endElided();
                    }
                }
            }));
        }
        for (int round = 0; round < 20_000; round++) {
            elision.beginSerializable(TimeUnit.SECONDS.toMillis(30));
            serializableNow.set(true);
            if (elidingNow.get() > 0) {
                overlaps.incrementAndGet();
            }
            serializableNow.set(false);
            elision.endSerializable();
        }
        stop.set(true);
        for (CompletableFuture<Void> w : writers) {
            w.get(30, TimeUnit.SECONDS);
        }
        assertTrue(elided.get() > 0);
        assertEquals(0, overlaps.get(), "a writer elided its locks beside a serializable transaction ("
                + elided.get() + " elided)");
    }
}
