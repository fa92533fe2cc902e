package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The primary is read at once only while it is measured cheaper than a wait, and waits are still sampled then. */
class ReadCostsTest {

    @Test
    void theCheaperWayWinsAndWaitingKeepsBeingMeasured() {
        ReadCosts costs = new ReadCosts();
        assertTrue(costs.primaryIsCheaper(), "nothing measured yet: try the primary, which measures it");

        costs.primaryRead(4_000);
        assertFalse(costs.primaryIsCheaper(), "a primary read measured, no wait yet: wait, to measure one");
        costs.waited(40_000);
        int primary = 0;
        for (int i = 0; i < 320; i++) {
            primary += costs.primaryIsCheaper() ? 1 : 0;
        }
        assertEquals(310, primary, "the primary, except one read in 32 that waits to keep measuring");

        for (int i = 0; i < 40; i++) {
            costs.waited(1_000); // waits became cheap (an idle machine with replicas right behind)
        }
        for (int i = 0; i < 64; i++) {
            assertFalse(costs.primaryIsCheaper(), "waiting is now the cheaper way");
        }
    }
}
