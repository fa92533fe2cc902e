package dev.lattice.locking;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.tools.SimpleResultSet;

/**
 * Strict two-phase locking for a cluster (SPEC §4): table and row locks in the modes IS, IX, S,
 * SIX and X, granted in order of request. A request that has to wait first looks for a cycle in
 * the wait-for graph; if its wait would close one, it is the victim and fails at once with 40001
 * naming the cycle. A wait longer than the lock timeout fails with 40001 too.
 */
public final class LockManager {

    /** SQLState of a deadlock victim or a lock timeout: the transaction is rolled back. */
    public static final String ROLLED_BACK = "40001";
    /** SQLState of a lock wait ended by a cancel. */
    public static final String CANCELED = "57014";

    private final Map<LockTarget, Entry> entries = new HashMap<>();
    private final AtomicLong nextOwner = new AtomicLong();
    private long deadlocks;

    /** Who holds a target and who waits for it, in arrival order. */
    private static final class Entry {
        final Map<LockOwner, LockMode> granted = new LinkedHashMap<>(4);
        final ArrayDeque<LockOwner> queue = new ArrayDeque<>(2);
    }

    /**
     * Ends the owner's lock wait under way, from another thread (a CancelRequest, Statement.cancel,
     * a client gone): it fails at once with 57014. Does nothing when the owner is not waiting.
     */
    public synchronized void cancelWait(LockOwner owner) {
        if (owner.waitingFor != null) {
            owner.cancelled = true;
            notifyAll();
        }
    }

    public LockOwner newOwner() {
        return new LockOwner(nextOwner.incrementAndGet());
    }

    /** Takes the lock (or a stronger one the owner already holds), waiting up to the timeout. */
    public synchronized void acquire(LockOwner owner, LockTarget target, LockMode mode, long timeoutMillis)
            throws SQLException {
        LockMode current = owner.held.get(target);
        if (current != null && current.covers(mode)) {
            return;
        }
        LockMode wanted = current == null ? mode : current.join(mode);
        Entry entry = entries.computeIfAbsent(target, t -> new Entry());
        if (grantable(entry, owner, wanted, current != null)) {
            grant(entry, owner, target, wanted);
            return;
        }
        owner.waitingFor = target;
        owner.waitingMode = wanted;
        entry.queue.add(owner);
        try {
            List<LockOwner> cycle = cycleThrough(owner);
            if (cycle != null) {
                deadlocks++;
                throw new SQLTransactionRollbackException("Deadlock: " + describe(cycle)
                        + "; " + owner + " was chosen as the victim and its transaction rolled back", ROLLED_BACK);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (!grantable(entry, owner, wanted, current != null)) {
                if (owner.cancelled) {
                    throw new SQLTransientException("Canceling statement due to user request (it was waiting for "
                            + wanted + " on " + target + " held by " + entry.granted.keySet() + ")", CANCELED);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SQLTransactionRollbackException("Lock timeout: " + owner + " waited more than "
                            + timeoutMillis + " ms for " + wanted + " on " + target + " held by "
                            + entry.granted.keySet() + "; its transaction was rolled back", ROLLED_BACK);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLTransactionRollbackException("Interrupted waiting for a lock", ROLLED_BACK, e);
                }
            }
            grant(entry, owner, target, wanted);
        } finally {
            entry.queue.remove(owner);
            owner.cancelled = false;
            owner.waitingFor = null;
            owner.waitingMode = null;
            if (entry.granted.isEmpty() && entry.queue.isEmpty()) {
                entries.remove(target);
            }
            notifyAll();
        }
    }

    /**
     * Compatible with every other holder, and no earlier waiter is passed over, unless the owner
     * already holds the target (an upgrade goes first, or two upgraders would wait on each other
     * forever behind the queue).
     */
    private static boolean grantable(Entry entry, LockOwner owner, LockMode wanted, boolean upgrade) {
        for (Map.Entry<LockOwner, LockMode> g : entry.granted.entrySet()) {
            if (g.getKey() != owner && !wanted.compatibleWith(g.getValue())) {
                return false;
            }
        }
        if (upgrade) {
            return true;
        }
        for (LockOwner waiter : entry.queue) {
            if (waiter == owner) {
                return true;
            }
            if (!wanted.compatibleWith(waiter.waitingMode)) {
                return false;
            }
        }
        return true;
    }

    private static void grant(Entry entry, LockOwner owner, LockTarget target, LockMode mode) {
        entry.granted.put(owner, mode);
        owner.held.put(target, mode);
        owner.heldCount = owner.held.size();
    }

    /**
     * Releases every lock the owner holds: at COMMIT, ROLLBACK, the end of an autocommit statement,
     * or close. An owner that holds nothing (the common case outside SERIALIZABLE) costs no monitor.
     */
    public void releaseAll(LockOwner owner) {
        if (owner.heldCount == 0) {
            return;
        }
        releaseHeld(owner);
    }

    private synchronized void releaseHeld(LockOwner owner) {
        for (LockTarget target : owner.held.keySet()) {
            Entry entry = entries.get(target);
            if (entry != null) {
                entry.granted.remove(owner);
                if (entry.granted.isEmpty() && entry.queue.isEmpty()) {
                    entries.remove(target);
                }
            }
        }
        owner.held.clear();
        owner.heldCount = 0;
        notifyAll();
    }

    /** The owners the given one waits for: holders, and earlier waiters, whose modes conflict with its request. */
    private List<LockOwner> blockers(LockOwner owner) {
        List<LockOwner> out = new ArrayList<>();
        if (owner.waitingFor == null) {
            return out;
        }
        Entry entry = entries.get(owner.waitingFor);
        if (entry == null) {
            return out;
        }
        for (Map.Entry<LockOwner, LockMode> g : entry.granted.entrySet()) {
            if (g.getKey() != owner && !owner.waitingMode.compatibleWith(g.getValue())) {
                out.add(g.getKey());
            }
        }
        for (LockOwner waiter : entry.queue) {
            if (waiter == owner) {
                break;
            }
            if (!owner.waitingMode.compatibleWith(waiter.waitingMode) && !owner.held.containsKey(owner.waitingFor)) {
                out.add(waiter);
            }
        }
        return out;
    }

    /** A cycle of waits that starts and ends at the owner, or null. */
    private List<LockOwner> cycleThrough(LockOwner start) {
        ArrayDeque<List<LockOwner>> paths = new ArrayDeque<>();
        paths.add(List.of(start));
        Set<LockOwner> seen = new HashSet<>();
        while (!paths.isEmpty()) {
            List<LockOwner> path = paths.poll();
            for (LockOwner next : blockers(path.get(path.size() - 1))) {
                if (next == start) {
                    return path;
                }
                if (seen.add(next)) {
                    List<LockOwner> longer = new ArrayList<>(path);
                    longer.add(next);
                    paths.add(longer);
                }
            }
        }
        return null;
    }

    private static String describe(List<LockOwner> cycle) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cycle.size(); i++) {
            LockOwner waiter = cycle.get(i);
            LockOwner holder = cycle.get((i + 1) % cycle.size());
            out.append(i == 0 ? "" : ", ").append(waiter).append(" waits for ").append(holder)
                    .append(" (").append(waiter.waitingMode).append(" on ").append(waiter.waitingFor).append(')');
        }
        return out.toString();
    }

    /** How many deadlocks were broken. */
    public synchronized long deadlocks() {
        return deadlocks;
    }

    /** How many targets are locked or awaited: 0 once every session has ended its transactions. */
    public synchronized int lockedTargets() {
        return entries.size();
    }

    /** SHOW LOCKS: a row per held or awaited lock: session, object, mode, state. */
    public synchronized ResultSet show() {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("SESSION", Types.BIGINT, 19, 0);
        rs.addColumn("OBJECT", Types.VARCHAR, 1024, 0);
        rs.addColumn("MODE", Types.VARCHAR, 8, 0);
        rs.addColumn("STATE", Types.VARCHAR, 8, 0);
        for (Map.Entry<LockTarget, Entry> e : entries.entrySet()) {
            for (Map.Entry<LockOwner, LockMode> g : e.getValue().granted.entrySet()) {
                rs.addRow(g.getKey().id(), e.getKey().toString(), g.getValue().name(), "GRANTED");
            }
            for (Iterator<LockOwner> it = e.getValue().queue.iterator(); it.hasNext(); ) {
                LockOwner w = it.next();
                rs.addRow(w.id(), e.getKey().toString(), w.waitingMode.name(), "WAITING");
            }
        }
        return rs;
    }
}
