package dev.lattice.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The multi-granularity compatibility matrix and the join of modes. */
class LockModeTest {

    @Test
    void compatibilityIsTheTextbookMatrix() {
        assertTrue(LockMode.IS.compatibleWith(LockMode.SIX));
        assertTrue(LockMode.IX.compatibleWith(LockMode.IX));
        assertFalse(LockMode.IX.compatibleWith(LockMode.S));
        assertTrue(LockMode.S.compatibleWith(LockMode.S));
        assertFalse(LockMode.SIX.compatibleWith(LockMode.IX));
        for (LockMode m : LockMode.values()) {
            assertFalse(LockMode.X.compatibleWith(m));
            assertEquals(m.compatibleWith(LockMode.S), LockMode.S.compatibleWith(m), "symmetric");
        }
    }

    @Test
    void joinGivesTheWeakestModeGrantingBoth() {
        assertEquals(LockMode.SIX, LockMode.S.join(LockMode.IX));
        assertEquals(LockMode.X, LockMode.S.join(LockMode.X));
        assertEquals(LockMode.S, LockMode.IS.join(LockMode.S));
        assertTrue(LockMode.SIX.covers(LockMode.S));
        assertFalse(LockMode.S.covers(LockMode.IX));
    }
}
