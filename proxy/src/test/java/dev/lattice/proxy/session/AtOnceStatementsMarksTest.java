package dev.lattice.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A statement is marked slow for the event loop only after slow runs in a row, and a fast run clears it. */
class AtOnceStatementsMarksTest {

    private static final long SLOW = AtOnceStatements.SLOW_NANOS + 1;
    private static final long FAST = 20_000;

    @Test
    void threeSlowRunsInARowMarkAStatementAndAFastOneClearsIt() {
        AtOnceStatements at = new AtOnceStatements();
        at.ran("q", SLOW);
        at.ran("q", SLOW);
        assertFalse(at.slow("q"), "two slow runs (a pause, a cold start) are not enough");
        at.ran("q", FAST);
        at.ran("q", SLOW);
        at.ran("q", SLOW);
        assertFalse(at.slow("q"), "the fast run broke the row");
        at.ran("q", SLOW);
        assertTrue(at.slow("q"), "three in a row");
        assertFalse(at.slow("other"), "marks are per statement text");
        at.ran("q", FAST);
        assertFalse(at.slow("q"), "a fast run (after the mark expired, it is tried again) clears it");
        assertEquals(7, at.served());
    }
}
