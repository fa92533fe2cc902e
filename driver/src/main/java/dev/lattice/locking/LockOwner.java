package dev.lattice.locking;

import java.util.LinkedHashMap;
import java.util.Map;

/** A session as the lock manager sees it: the locks it holds and the one it waits for. */
public final class LockOwner {

    private final long id;
    final Map<LockTarget, LockMode> held = new LinkedHashMap<>();
    /** held.size(), readable without the manager's monitor from any thread (a session may be closed from another). */
    volatile int heldCount;
    LockTarget waitingFor;
    LockMode waitingMode;
    boolean victim;
    /** Set by a cancel while the owner waits: its wait ends with 57014. */
    boolean cancelled;

    LockOwner(long id) {
        this.id = id;
    }

    public long id() {
        return id;
    }

    /** Whether it holds any lock. */
    public boolean holdsLocks() {
        return heldCount > 0;
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
