package dev.lattice.locking;

/**
 * The multi-granularity lock modes (Gray): intention shared and exclusive on a table for row
 * locks beneath it, shared, shared with intention exclusive, and exclusive.
 */
public enum LockMode {
    IS, IX, S, SIX, X;

    private static final boolean[][] COMPATIBLE = {
        //          IS     IX     S      SIX    X
        /* IS  */ {true,  true,  true,  true,  false},
        /* IX  */ {true,  true,  false, false, false},
        /* S   */ {true,  false, true,  false, false},
        /* SIX */ {true,  false, false, false, false},
        /* X   */ {false, false, false, false, false},
    };

    /** Whether two owners may hold these modes on one object at once. */
    public boolean compatibleWith(LockMode other) {
        return COMPATIBLE[ordinal()][other.ordinal()];
    }

    /** Whether holding this mode already gives everything the other grants. */
    public boolean covers(LockMode other) {
        return join(other) == this;
    }

    /** The weakest mode that grants both: what an owner holds after asking for both. */
    public LockMode join(LockMode other) {
        if (this == other) {
            return this;
        }
        if (this == X || other == X) {
            return X;
        }
        if (this == IS) {
            return other;
        }
        if (other == IS) {
            return this;
        }
        // the rest of the lattice: IX+S, IX+SIX, S+SIX all join at SIX
        return SIX;
    }

    /** The intention mode a lock of this mode needs on the table above it. */
    public LockMode intention() {
        return this == S || this == IS ? IS : IX;
    }
}
