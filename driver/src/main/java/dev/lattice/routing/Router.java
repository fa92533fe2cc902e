package dev.lattice.routing;

import dev.lattice.backend.ApplyProgress;
import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.PrimaryLink;
import dev.lattice.backend.ReplicaNode;
import dev.lattice.routing.RoutingStats.Counter;
import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import dev.lattice.sql.consistency.StalenessUnit;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the node for a read at the session's level (SPEC §2): a replica that keeps the level's
 * promise, taken in turn; if none does yet, it waits for one up to the timeout, then follows the
 * fallback. The primary keeps every promise, so it is where reads go when no replica can.
 */
final class Router {

    /** SQLState of a read no replica could serve in time with FALLBACK ERROR. */
    static final String NO_REPLICA_IN_TIME = "LT001";
    private static final int NONE_YET = -1;
    /** Sessions started, for the replica each starts on. */
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final ClusterBackend backend;
    private final PrimaryLink primaryLink;
    private final List<? extends ReplicaNode> replicas;
    private final ApplyProgress progress;
    private final RoutingStats stats;
    private final ReadCosts costs = new ReadCosts();
    /** The LSN the last read sent to the primary at once needed: the next read that needs it waits. */
    private long divertedAt = -1;
    private int next;
    /** The session's replica at READ_YOUR_WRITES, CAUSAL and LINEARIZABLE (see ownReplica). */
    private int own;
    private int sticky = -1;
    private long highestRead;
    private volatile boolean cancelled;

    Router(ClusterBackend backend, PrimaryLink primaryLink, RoutingStats stats) {
        this.backend = backend;
        this.primaryLink = primaryLink;
        this.replicas = backend.replicas();
        this.progress = backend.progress();
        this.stats = stats;
        this.own = replicas.isEmpty() ? 0 : Math.floorMod(SESSIONS.getAndIncrement(), replicas.size());
    }

    /** Ends a wait for a replica now under way (from another thread), as a cancel of the statement. */
    void cancel() {
        cancelled = true;
        progress.signal();
    }

    /** The replica MONOTONIC_READS sticks to, or null. */
    String stickyReplica() {
        return sticky < 0 ? null : replicas.get(sticky).node().name();
    }

    /** After a read whose node had then applied lsn (an upper bound of what it saw). */
    void readFrom(long lsn) {
        if (lsn > highestRead) {
            highestRead = lsn;
        }
    }

    /** The node index for a read: 0 for the primary, i for the i-th replica. */
    int route(ConsistencySpec spec, CausalPosition position, long timeoutMillis, Fallback fallback) throws SQLException {
        ConsistencyLevel level = spec.getLevel();
        if (backend.replicaCount() == 0 || level == ConsistencyLevel.SERIALIZABLE) {
            return primary(level);
        }
        long readIndex = readIndex(level, position);
        long seen = progress.generation();
        int pick = pick(spec, position, readIndex);
        if (pick != NONE_YET) {
            return replica(level, pick);
        }
        long needed = needed(spec, position, readIndex);
        if (appliedHere(level, needed)) {
            pick = pick(spec, position, readIndex);
            if (pick != NONE_YET) {
                return replica(level, pick);
            }
        }
        if (fallback == Fallback.PRIMARY && primaryAtOnce(level, needed)) {
            return primary(level);
        }
        stats.increment(level, Counter.WAITS);
        backend.refresh();
        cancelled = false;
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                boolean moved;
                try {
                    moved = progress.awaitChange(seen, deadline - System.nanoTime());
                    seen = progress.generation();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLTransientException("Interrupted while waiting for a replica", "57014", e);
                }
                if (cancelled) {
                    cancelled = false;
                    throw new SQLTransientException("Canceling statement due to user request (it was waiting for a "
                            + "replica to meet " + spec + ")", "57014");
                }
                pick = pick(spec, position, readIndex);
                if (pick != NONE_YET) {
                    costs.waited(System.nanoTime() - start);
                    return replica(level, pick);
                }
                if (moved) {
                    backend.refresh();
                }
                if (!moved && System.nanoTime() - deadline >= 0) {
                    break;
                }
            }
        } finally {
            stats.add(level, Counter.WAIT_MICROS, (System.nanoTime() - start) / 1000);
        }
        if (fallback == Fallback.PRIMARY) {
            stats.increment(level, Counter.FALLBACKS);
            return primary(level);
        }
        stats.increment(level, Counter.ERRORS);
        throw new SQLException("No replica met " + spec + " within " + timeoutMillis + " ms ("
                + requirement(spec, position, readIndex) + "; " + lagReport() + ")", NO_REPLICA_IN_TIME);
    }

    /**
     * Whether a read at the level can be served now without waiting: a replica keeps the promise
     * now, or the level reads the primary. Changes nothing (the turn, the session's replica and the
     * sticky replica stay).
     */
    boolean servesNow(ConsistencySpec spec, CausalPosition position) throws SQLException {
        ConsistencyLevel level = spec.getLevel();
        if (backend.replicaCount() == 0 || level == ConsistencyLevel.SERIALIZABLE) {
            return true;
        }
        long readIndex = readIndex(level, position);
        int turn = next;
        int mine = own;
        int stuck = sticky;
        try {
            return pick(spec, position, readIndex) != NONE_YET;
        } finally {
            next = turn;
            own = mine;
            sticky = stuck;
        }
    }

    /**
     * The node index for a read that must not wait: a replica that keeps the promise now, else the
     * primary, which keeps every promise (counted as a fallback).
     */
    int routeNow(ConsistencySpec spec, CausalPosition position) throws SQLException {
        ConsistencyLevel level = spec.getLevel();
        if (backend.replicaCount() == 0 || level == ConsistencyLevel.SERIALIZABLE) {
            return primary(level);
        }
        long readIndex = readIndex(level, position);
        int pick = pick(spec, position, readIndex);
        if (pick != NONE_YET) {
            return replica(level, pick);
        }
        stats.increment(level, Counter.FALLBACKS);
        return primary(level);
    }

    /**
     * Whether a read that no replica can serve yet reads the primary at once rather than wait: the
     * primary keeps every promise, and answers in microseconds where a wait costs a wake-up. Only
     * for levels that need an LSN, when a replica is applying as it should (a paused or delayed one
     * is waited for as the timeout says), when nothing was committed after the LSN the read needs
     * (so the read raises the session's position to about that LSN, and its next reads need no more
     * of a replica than this one did), and when the session has measured it to be cheaper. Once
     * per LSN: the replicas are woken to apply it, and the session's next reads go to them (waiting
     * briefly if they must), so that replicas keep serving most reads of a session that writes.
     */
    private boolean primaryAtOnce(ConsistencyLevel level, long needed) {
        boolean diverts = switch (level) {
            case READ_YOUR_WRITES, CAUSAL, LINEARIZABLE -> needed != divertedAt && backend.committedLsn() <= needed
                    && someReplicaCatchingUp() && costs.primaryIsCheaper();
            default -> false;
        };
        if (diverts) {
            divertedAt = needed;
            for (ReplicaNode r : replicas) {
                r.hurry();
            }
        }
        return diverts;
    }

    /**
     * Instead of waiting for the session's replica to apply the LSN a read needs, the session applies
     * it there itself, when the replica's applier is not at work (Lattice's own replicas only): a
     * few microseconds of the session's thread instead of two thread wake-ups. Whether it did.
     */
    private boolean appliedHere(ConsistencyLevel level, long needed) {
        return switch (level) {
            case READ_YOUR_WRITES, CAUSAL, LINEARIZABLE -> replicas.get(own).catchingUp()
                    && replicas.get(own).applyNow(needed);
            default -> false;
        };
    }

    /**
     * What a read at the level needs a replica to have applied besides the level's own rule, read
     * once as the read begins: for LINEARIZABLE a read index; for STRONG, every write acknowledged
     * without waiting for the synchronous set (a commit at another level, the session's own too), so
     * that a STRONG read misses no acknowledged write; else 0. Not the session's T: it bounds what a
     * read saw from above (an apply under way), and STRONG reads, which no session applies in a
     * replica's place, would then wait for the replicas often (5% of the reads of a 2-thread STRONG
     * read/write mix, at a third of its throughput).
     */
    private long readIndex(ConsistencyLevel level, CausalPosition position) throws SQLException {
        return switch (level) {
            case LINEARIZABLE -> backend.readIndex(primaryLink);
            case STRONG -> backend.acknowledgedOutsideSyncSet();
            default -> 0;
        };
    }

    private static long needed(ConsistencySpec spec, CausalPosition position, long readIndex) {
        return switch (spec.getLevel()) {
            case READ_YOUR_WRITES -> position.written();
            case CAUSAL -> position.observed();
            default -> readIndex;
        };
    }

    private boolean someReplicaCatchingUp() {
        for (ReplicaNode r : replicas) {
            if (r.catchingUp()) {
                return true;
            }
        }
        return false;
    }

    /** After an autocommit read on the primary that took this long: what a wait is weighed against. */
    void primaryReadTook(long nanos) {
        costs.primaryRead(nanos);
    }

    private int primary(ConsistencyLevel level) {
        stats.increment(level, Counter.PRIMARY_READS);
        return 0;
    }

    private int replica(ConsistencyLevel level, int index) {
        stats.increment(level, Counter.REPLICA_READS);
        return index + 1;
    }

    /**
     * The node index of replica {@code index} (0-based) if it can serve a read that needs
     * applied ≥ lsn now, counted as a replica read; else NONE_YET.
     */
    int stay(ConsistencyLevel level, int index, long lsn) {
        ReplicaNode r = replicas.get(index);
        return r.readable() && r.applied() >= lsn ? replica(level, index) : NONE_YET;
    }

    /** A 0-based replica index that keeps the promise now, or NONE_YET. */
    private int pick(ConsistencySpec spec, CausalPosition position, long readIndex) {
        return switch (spec.getLevel()) {
            case EVENTUAL, CONSISTENT_PREFIX -> inTurn(0);
            case MONOTONIC_READS -> monotonic();
            case READ_YOUR_WRITES -> ownReplica(position.written());
            case CAUSAL -> ownReplica(position.observed());
            case LINEARIZABLE -> ownReplica(readIndex);
            case BOUNDED_STALENESS -> bounded(spec);
            case STRONG -> inSyncSet(readIndex);
            case QUORUM -> quorum(spec);
            case SERIALIZABLE -> NONE_YET;
        };
    }

    /** The next readable replica in turn that has applied at least the LSN: reads spread one by one. */
    private int inTurn(long lsn) {
        int n = replicas.size();
        for (int tried = 0; tried < n; tried++) {
            int i = next;
            next = i + 1 == n ? 0 : i + 1;
            ReplicaNode r = replicas.get(i);
            if (r.readable() && r.applied() >= lsn) {
                return i;
            }
        }
        return NONE_YET;
    }

    /**
     * The session's replica if it is readable and has applied at least the LSN, else the next one
     * in turn that has (which becomes the session's replica). Sessions start on replicas in turn,
     * so the load is spread by session, and two sessions on two cores read different databases
     * rather than contend on the shared state of each (H2's transaction and version bookkeeping).
     */
    private int ownReplica(long lsn) {
        int pick = keptOrInTurn(own, lsn);
        if (pick != NONE_YET) {
            own = pick;
        }
        return pick;
    }

    private int monotonic() {
        int pick = keptOrInTurn(sticky, highestRead);
        if (pick != NONE_YET) {
            sticky = pick;
        }
        return pick;
    }

    /**
     * The kept replica (none when negative) if it is readable and has applied the LSN, else the next
     * one in turn that has.
     */
    private int keptOrInTurn(int kept, long lsn) {
        if (kept >= 0) {
            ReplicaNode r = replicas.get(kept);
            if (r.readable() && r.applied() >= lsn) {
                return kept;
            }
        }
        return inTurn(lsn);
    }

    private int bounded(ConsistencySpec spec) {
        int n = replicas.size();
        long committed = backend.committedLsn();
        long boundMillis = spec.getUnit() != StalenessUnit.SECONDS ? spec.getBound()
                : spec.getBound() > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : spec.getBound() * 1000; // not negative
        for (int tried = 0; tried < n; tried++) {
            int i = next;
            next = i + 1 == n ? 0 : i + 1;
            ReplicaNode r = replicas.get(i);
            if (!r.readable()) {
                continue;
            }
            boolean within = spec.getUnit() == StalenessUnit.VERSIONS
                    ? committed - r.applied() <= spec.getBound()
                    : r.lagMillis() < boundMillis; // strict: both clocks read whole milliseconds
            if (within) {
                return i;
            }
        }
        return NONE_YET;
    }

    /** The next replica in turn of the synchronous set that has applied what it joined at and lsn. */
    private int inSyncSet(long lsn) {
        int n = replicas.size();
        for (int tried = 0; tried < n; tried++) {
            int i = next;
            next = i + 1 == n ? 0 : i + 1;
            ReplicaNode a = replicas.get(i);
            if (a.inSyncSet() && a.readable() && a.applied() >= Math.max(a.joinedAtLsn(), lsn)) {
                return i;
            }
        }
        return NONE_YET;
    }

    /** Asks r readable replicas, in turn, and takes the most advanced of them. */
    private int quorum(ConsistencySpec spec) {
        int n = replicas.size();
        int wanted = Quorums.read(spec, backend.replicaCount());
        int asked = 0;
        int best = NONE_YET;
        long bestApplied = -1;
        for (int tried = 0; tried < n && asked < wanted; tried++) {
            int i = (next + tried) % n;
            ReplicaNode r = replicas.get(i);
            if (r.readable()) {
                asked++;
                if (r.applied() > bestApplied) {
                    bestApplied = r.applied();
                    best = i;
                }
            }
        }
        next = (next + 1) % n;
        return asked < wanted ? NONE_YET : best;
    }

    private String requirement(ConsistencySpec spec, CausalPosition position, long readIndex) {
        return switch (spec.getLevel()) {
            case READ_YOUR_WRITES -> "needs applied LSN >= " + position.written();
            case CAUSAL -> "needs applied LSN >= " + position.observed();
            case LINEARIZABLE -> "needs applied LSN >= " + readIndex;
            case MONOTONIC_READS -> "needs applied LSN >= " + highestRead;
            case BOUNDED_STALENESS -> "needs lag <= " + spec.getBound() + " " + spec.getUnit();
            case STRONG -> "needs a replica of the synchronous set with applied LSN >= " + readIndex;
            case QUORUM -> "needs " + Quorums.read(spec, backend.replicaCount()) + " readable replicas";
            default -> "needs a readable replica";
        };
    }

    String lagReport() {
        long committed = backend.committedLsn();
        StringBuilder out = new StringBuilder("primary at LSN " + committed);
        for (ReplicaNode a : replicas) {
            out.append(", ").append(a.node().name()).append(' ');
            if (!a.readable()) {
                out.append(a.stateName()).append(" (lag unknown)");
            } else {
                long lagMs = a.lagMillis();
                out.append("applied ").append(a.applied()).append(" (lag ").append(committed - a.applied())
                        .append(" LSN, ").append(lagMs == Long.MAX_VALUE ? "unknown" : lagMs + " ms").append(')');
            }
        }
        return out.toString();
    }
}
