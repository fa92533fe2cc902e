package dev.lattice.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A thread about to wait first wakes the appliers (which may be polling). */
class ApplyProgressTest {

    @Test
    void aWaitWakesTheAppliersFirstAndAChangeSeenNeedsNoWait() throws Exception {
        ApplyProgress progress = new ApplyProgress();
        AtomicInteger nudges = new AtomicInteger();
        progress.onWait(nudges::incrementAndGet);

        long seen = progress.generation();
        assertFalse(progress.awaitChange(seen, TimeUnit.MILLISECONDS.toNanos(1)), "nothing moved");
        assertEquals(1, nudges.get(), "the waiter woke the appliers before it waited");

        progress.signal();
        assertTrue(progress.awaitChange(seen, TimeUnit.SECONDS.toNanos(10)));
        assertEquals(1, nudges.get(), "a change already there needs no wait, and no nudge");
    }
}
