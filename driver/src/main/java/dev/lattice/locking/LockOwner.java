package dev.lattice.locking;

import java.util.LinkedHashMap;
import java.util.Map;

/** A session as the lock manager sees it: the locks it holds and the one it waits for. */
public final class LockOwner {

    private final long id;
    final Map<LockTarget, LockMode> held = new LinkedHashMap<>();
    LockTarget waitingFor;
    LockMode waitingMode;
    boolean victim;

    LockOwner(long id) {
        this.id = id;
    }

    public long id() {
        return id;
    }

    /** Whether it holds any lock (read without the manager's monitor: an owner asks only about itself). */
    public boolean holdsLocks() {
        return !held.isEmpty();
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
