package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The primary is read at once only while it is measured cheaper than a wait, and both ways keep being measured. */
class ReadCostsTest {

    @Test
    void theCheaperWayWinsAndTheOtherKeepsBeingMeasured() {
        ReadCosts costs = new ReadCosts();
        assertTrue(costs.primaryIsCheaper(), "nothing measured yet: try the primary, which measures it");

        costs.primaryRead(4_000);
        assertFalse(costs.primaryIsCheaper(), "a primary read measured, no wait yet: wait, to measure one");
        costs.waited(40_000);
        assertEquals(310, primaryReads(costs, 320), "the primary, except one read in 32 that waits to keep measuring");

        for (int i = 0; i < 40; i++) {
            costs.waited(1_000); // waits became cheap (an idle machine with replicas right behind)
        }
        assertEquals(2, primaryReads(costs, 64), "waiting, except one read in 32 that reads the primary");
    }

    /**
     * A session's first primary read prepares its statement there and may run cold code: thousands of
     * times a later one. Before, that one sample kept the primary the dearer way for good (only waits
     * were sampled again), and the session waited ~65 µs for a replica where the primary answers in a few.
     */
    @Test
    void oneSlowPrimaryReadDoesNotMakeTheSessionWaitForGood() {
        ReadCosts costs = new ReadCosts();
        assertTrue(costs.primaryIsCheaper());
        costs.primaryRead(4_000_000); // the first: the statement prepared on the primary
        costs.waited(65_000);
        int decisions = 0;
        int primaryInARow = 0;
        while (primaryInARow < 31) {
            assertTrue(++decisions <= 32 * 12, "still waiting for replicas after " + decisions + " reads");
            if (costs.primaryIsCheaper()) {
                costs.primaryRead(4_000); // what a read on the primary costs once prepared
                primaryInARow++;
            } else {
                costs.waited(65_000);
                primaryInARow = 0;
            }
        }
        assertEquals(310, primaryReads(costs, 320), "the primary is the cheaper way again");
    }

    private static int primaryReads(ReadCosts costs, int reads) {
        int primary = 0;
        for (int i = 0; i < reads; i++) {
            primary += costs.primaryIsCheaper() ? 1 : 0;
        }
        return primary;
    }
}
