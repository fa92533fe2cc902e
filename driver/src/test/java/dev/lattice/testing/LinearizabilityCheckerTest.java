package dev.lattice.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checker accepts linearizable register histories and finds the ones that are not. */
class LinearizabilityCheckerTest {

    @Test
    void acceptsConcurrentReadsThatSeeEitherValue() {
        RegisterHistory h = new RegisterHistory(0);
        h.write(1, 0, 10);
        h.read(0, 1, 5);    // overlaps the write: may see the old value
        h.read(1, 2, 6);    // or the new one
        h.read(1, 11, 12);  // after the write returned: must see it
        assertTrue(LinearizabilityChecker.check(h).linearizable());
    }

    @Test
    void rejectsAStaleReadAfterTheWriteReturned() {
        RegisterHistory h = new RegisterHistory(0);
        h.write(1, 0, 10);
        h.read(0, 11, 12);
        assertFalse(LinearizabilityChecker.check(h).linearizable());
    }

    @Test
    void rejectsReadsThatGoBackInTime() {
        RegisterHistory h = new RegisterHistory(0);
        h.write(1, 0, 100);
        h.read(1, 10, 20);   // sees the write, so it took effect by 20
        h.read(0, 30, 40);   // then a later read sees the old value
        assertFalse(LinearizabilityChecker.check(h).linearizable());
    }

    @Test
    void readsCheckedAloneAllowConcurrentReadsToDisagreeButNotStaleReads() {
        RegisterHistory h = new RegisterHistory(0);
        h.write(1, 0, 100);
        h.read(1, 10, 20);
        h.read(0, 30, 40);   // not linearizable, but the write was not yet acknowledged
        assertTrue(LinearizabilityChecker.checkEachReadWithAllWrites(h).linearizable());
        h.read(0, 110, 120); // after the write returned: stale
        assertFalse(LinearizabilityChecker.checkEachReadWithAllWrites(h).linearizable());
    }

    @Test
    void handlesLongSequentialHistories() {
        RegisterHistory h = new RegisterHistory(0);
        long t = 0;
        for (int v = 1; v <= 5000; v++) {
            h.write(v, t++, t++);
            h.read(v, t++, t++);
        }
        assertTrue(LinearizabilityChecker.check(h).linearizable());
    }
}
