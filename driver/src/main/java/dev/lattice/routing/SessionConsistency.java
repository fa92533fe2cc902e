package dev.lattice.routing;

import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.ReplicaNode;
import dev.lattice.cluster.Cluster;
import dev.lattice.routing.RoutingStats.Counter;
import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import dev.lattice.sql.consistency.StalenessUnit;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.tools.SimpleResultSet;

/**
 * A session's consistency: its level, timeout and fallback, its causal position (W and T), and
 * what each level asks of reads (where they go) and of commits (who must have applied them
 * before COMMIT returns).
 */
public final class SessionConsistency {

    /** Longest CONSISTENCY TIMEOUT accepted: an hour. */
    public static final long MAX_TIMEOUT_MILLIS = 3_600_000;
    /** How often a commit waiting for a replica of the synchronous set looks whether it is still in the set. */
    private static final long SYNC_SET_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final AtomicInteger SYNC_TURNS = new AtomicInteger();

    private final Cluster cluster;
    private final ClusterBackend backend;
    private final NodeConnections nodes;
    private final CausalPosition position;
    private final boolean sharedScope;
    private final Router router;
    private final long failureTimeoutMillis;
    private ConsistencySpec spec;
    private long timeoutMillis;
    private Fallback fallback;
    /**
     * The nodes (bit i for node i) of reads whose view is not yet bounded from above: PostgreSQL
     * nodes, whose positions are polled. T is raised by asking those nodes later, when T is needed;
     * reads on the same node never go back in time, so staying on it needs no answer.
     */
    private long unbounded;
    /**
     * The replica this session applies its STRONG and QUORUM commits to first, sessions taking
     * turns: two sessions that started on the same replica would queue for its apply lock, and
     * then for the next one's, where in turn each applies one replica while the other applies the
     * other (STRONG point updates at 2 threads: 0.38 -> 0.46x raw H2 on 2 cores).
     */
    private final int syncStart = SYNC_TURNS.getAndIncrement() & Integer.MAX_VALUE;

    SessionConsistency(Cluster cluster, NodeConnections nodes, CausalPosition position, SessionOptions options)
            throws SQLException {
        this.cluster = cluster;
        this.backend = cluster.backend();
        this.nodes = nodes;
        this.position = position;
        this.sharedScope = options.sharedScope();
        this.router = new Router(backend, nodes, cluster.routingStats());
        this.failureTimeoutMillis = options.failureTimeoutMillis();
        this.spec = checked(options.consistency());
        this.timeoutMillis = checkedTimeout(options.timeoutMillis());
        this.fallback = options.fallback();
    }

    public ConsistencySpec spec() {
        return spec;
    }

    public ConsistencyLevel level() {
        return spec.getLevel();
    }

    public CausalPosition position() {
        return position;
    }

    /** The node for an autocommit read or a read-only transaction: 0 for the primary, i for replica i. */
    int routeRead() throws SQLException {
        position.rebase(backend);
        ConsistencyLevel level = spec.getLevel();
        long open = unbounded;
        if (open != 0 && (level == ConsistencyLevel.CAUSAL || level == ConsistencyLevel.MONOTONIC_READS)) {
            int only = Long.numberOfTrailingZeros(open);
            if (open == 1L << only && only > 0) {
                int stay = router.stay(level, only - 1, position.observed());
                if (stay > 0) {
                    return stay;
                }
            }
            bound();
        }
        return router.route(spec, position, timeoutMillis, fallback);
    }

    /** After an autocommit read on the primary that took this long (routing weighs waiting against it). */
    void primaryReadTook(long nanos) {
        router.primaryReadTook(nanos);
    }

    /** Whether an autocommit read can be routed now without waiting or asking a node (see {@link Router#servesNow}). */
    boolean readsNow() throws SQLException {
        position.rebase(backend);
        return unbounded == 0 && router.servesNow(spec, position);
    }

    /** The node for an autocommit read that must not wait: a replica keeping the promise now, else the primary. */
    int routeReadNow() throws SQLException {
        position.rebase(backend);
        return unbounded == 0 ? router.routeNow(spec, position) : routeRead();
    }

    /** Cancels a wait for a replica now under way. */
    void cancelWait() {
        router.cancel();
    }

    /** Records what a read on that node saw, as an upper bound of it (or, for a polled node, that it must be asked). */
    void afterRead(int nodeIndex) throws SQLException {
        long lsn = nodeIndex == 0 ? backend.knownCommittedUpperBound()
                : backend.replicas().get(nodeIndex - 1).appliedUpperBound();
        if (lsn >= 0) {
            observed(lsn);
            return;
        }
        if (nodeIndex >= Long.SIZE) {
            unbounded |= 1; // beyond the mask: bounded by the primary, which has everything a standby has
            bound();
            return;
        }
        unbounded |= 1L << nodeIndex;
        if (sharedScope) {
            bound(); // other connections route by this T at once
        }
    }

    private void observed(long lsn) {
        position.observe(lsn);
        router.readFrom(lsn);
    }

    /** Asks each node of an unbounded read what it has applied now: an upper bound of what that read saw. */
    private void bound() throws SQLException {
        long open = unbounded;
        unbounded = 0;
        boolean askPrimary = (open & 1) != 0;
        for (int node = 1; node < Long.SIZE && open >>> node != 0; node++) {
            if ((open & 1L << node) == 0) {
                continue;
            }
            long lsn = -1;
            Connection c = nodes.ifOpen(node);
            if (c != null) {
                try {
                    lsn = backend.replicas().get(node - 1).appliedNow(c);
                } catch (SQLException e) {
                    nodes.drop(node);
                }
            }
            if (lsn >= 0) {
                observed(lsn);
            } else {
                askPrimary = true; // the primary has everything any standby of its history has replayed
            }
        }
        if (askPrimary) {
            observed(backend.committedUpperBound(nodes));
        }
    }

    /** T, first raised to bound the reads still open. */
    long observedNow() throws SQLException {
        position.rebase(backend);
        if (unbounded != 0) {
            bound();
        }
        return position.observed();
    }

    /**
     * After the primary committed a write at this position: STRONG waits for every replica of the
     * synchronous set (one too slow past the failure timeout leaves the set), QUORUM for w replicas.
     *
     * @return a warning when QUORUM gave up waiting with FALLBACK PRIMARY, else null
     */
    SQLWarning afterCommit(long lsn) throws SQLException {
        long epoch = nodes.primaryEpoch(); // the commit's primary's epoch: a failover since, however recent, shows
        position.rebase(backend);
        position.wrote(lsn);
        router.readFrom(lsn);
        unbounded = 0; // a commit's position is past everything read before it
        ConsistencyLevel level = spec.getLevel();
        if (level == ConsistencyLevel.STRONG) {
            SQLWarning warning = awaitSyncSet(epoch, lsn);
            inCurrentHistory(level, epoch, lsn);
            cluster.routingStats().increment(level, Counter.SYNC_COMMITS);
            return warning;
        } else if (level == ConsistencyLevel.QUORUM && backend.replicaCount() > 0) {
            SQLWarning warning = awaitQuorum(epoch, lsn);
            inCurrentHistory(level, epoch, lsn);
            cluster.routingStats().increment(level, Counter.SYNC_COMMITS);
            return warning;
        }
        return null;
    }

    /**
     * After the wait: when a failover came in between, a commit past where the new history forked
     * is not in it, however far replicas have gone on it (a PostgreSQL standby that follows the
     * promoted node replays positions beyond the commit's on the new timeline): 08007, never an
     * acknowledgement. A replica's position counts only in the current history, so a wait that
     * ended on one read the new epoch before this check does.
     */
    private void inCurrentHistory(ConsistencyLevel level, long epoch, long lsn) throws SQLException {
        if (backend.epoch() != epoch && backend.toEpoch(epoch, lsn) < lsn) {
            cluster.routingStats().increment(level, Counter.ERRORS);
            throw lostWithThePrimary(level, lsn);
        }
    }

    /**
     * Waits for every replica of the synchronous set; one that has not applied the commit by the
     * failure timeout leaves the set. When no replica is left in the set, the commit is durable on
     * the primary alone: that is said (a warning, or LT001 with FALLBACK ERROR), never acknowledged
     * as STRONG in silence.
     */
    private SQLWarning awaitSyncSet(long epoch, long lsn) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(failureTimeoutMillis);
        int applied = 0;
        List<? extends ReplicaNode> replicas = backend.replicas();
        for (int i = 0; i < replicas.size(); i++) {
            ReplicaNode r = inTurn(replicas, i);
            if (r.inSyncSet() && r.applied() < lsn && !r.applyNow(lsn)) {
                r.hurry(); // its applier is at it: the waits below then overlap
            }
        }
        for (ReplicaNode r : backend.replicas()) {
            if (!r.inSyncSet()) {
                continue;
            }
            try {
                if (awaitInSyncSet(r, lsn, deadline)) {
                    applied++;
                } else {
                    r.leaveSyncSet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while waiting for the synchronous set", "57014", e);
            }
        }
        if (applied > 0 || backend.replicaCount() == 0) {
            return null;
        }
        return shortOfReplicas(ConsistencyLevel.STRONG, epoch, lsn, "COMMIT is durable on the primary (LSN " + lsn
                + ") but no replica is in STRONG's synchronous set to have applied it (" + router.lagReport() + ")");
    }

    /** The i-th replica counted from this session's {@link #syncStart}. */
    private ReplicaNode inTurn(List<? extends ReplicaNode> replicas, int i) {
        return replicas.get((syncStart % replicas.size() + i) % replicas.size());
    }

    /**
     * Waits for a replica of the synchronous set to apply lsn until the deadline, or until it has
     * left the set meanwhile (a standby promoted, unreachable or failed will not apply it): whether
     * it applied.
     */
    private static boolean awaitInSyncSet(ReplicaNode r, long lsn, long deadline) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (r.awaitApplied(lsn, Math.min(left, SYNC_SET_CHECK_NANOS)) || r.applied() >= lsn) {
                return true;
            }
            if (left <= SYNC_SET_CHECK_NANOS || !r.inSyncSet()) {
                return false;
            }
        }
    }

    /**
     * A commit that reached fewer replicas than its level promises: a warning, or LT001 with
     * FALLBACK ERROR. When the primary that took it is gone by then, it is durable nowhere a
     * failover keeps: 08007, never an acknowledgement.
     */
    private SQLWarning shortOfReplicas(ConsistencyLevel level, long epoch, long lsn, String message)
            throws SQLException {
        if (primaryLost(epoch)) {
            cluster.routingStats().increment(level, Counter.ERRORS);
            throw lostWithThePrimary(level, lsn);
        }
        if (fallback == Fallback.ERROR) {
            cluster.routingStats().increment(level, Counter.ERRORS);
            throw new SQLException(message, Router.NO_REPLICA_IN_TIME);
        }
        cluster.routingStats().increment(level, Counter.FALLBACKS);
        return new SQLWarning(message, "01000");
    }

    private SQLException lostWithThePrimary(ConsistencyLevel level, long lsn) {
        return new SQLException("The primary was lost after COMMIT (LSN " + lsn + ") and before the replicas "
                + level + " waits for had applied it: the transaction may not survive the failover. Check "
                + "whether it did before running it again (" + router.lagReport() + ")", "08007");
    }

    private SQLWarning awaitQuorum(long epoch, long lsn) throws SQLException {
        int w = Quorums.write(spec, backend.replicaCount());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int applied = appliedCount(lsn);
        List<? extends ReplicaNode> replicas = backend.replicas();
        for (int i = 0; i < replicas.size(); i++) {
            ReplicaNode r = inTurn(replicas, i);
            if (applied >= w) {
                break;
            }
            if (r.readable() && r.applied() < lsn && r.applyNow(lsn)) {
                applied++; // applied here rather than waited for
            }
        }
        long seen = backend.progress().generation();
        while ((applied = appliedCount(lsn)) < w) {
            backend.refresh();
            try {
                if (!backend.progress().awaitChange(seen, deadline - System.nanoTime())
                        && System.nanoTime() - deadline >= 0) {
                    applied = appliedCount(lsn);
                    break;
                }
                seen = backend.progress().generation();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while waiting for the write quorum", "57014", e);
            }
        }
        if (applied >= w) {
            return null;
        }
        return shortOfReplicas(ConsistencyLevel.QUORUM, epoch, lsn, "COMMIT is durable on the primary (LSN " + lsn
                + ") but only " + applied + " of the " + w + " replicas of " + spec + " applied it within "
                + timeoutMillis + " ms");
    }

    /** Whether the primary that took a commit in this epoch is gone: a failover since, or no answer from it now. */
    private boolean primaryLost(long epoch) {
        try {
            backend.primary();
            backend.readIndex(nodes); // a PostgreSQL primary is asked, and fails to answer when it is gone
        } catch (SQLException e) {
            return true;
        }
        return backend.epoch() != epoch;
    }

    private int appliedCount(long lsn) {
        int n = 0;
        for (ReplicaNode r : backend.replicas()) {
            if (r.readable() && r.applied() >= lsn) {
                n++;
            }
        }
        return n;
    }

    /**
     * SET CONSISTENCY: checks the level against the cluster first, so a refused level leaves the
     * session as it was.
     *
     * @return the w + r ≤ N warning of a QUORUM that may read stale data, else null
     */
    public SQLWarning set(ConsistencySpec newSpec) throws SQLException {
        spec = checked(newSpec);
        return quorumWarning(spec);
    }

    public void setTimeout(long millis) throws SQLException {
        timeoutMillis = checkedTimeout(millis);
    }

    public void setFallback(Fallback newFallback) {
        fallback = newFallback;
    }

    /**
     * SET CONSISTENCY TOKEN: the session will read at least what the token's holder had written or
     * seen. It counts as the session's own writes too, so READ_YOUR_WRITES honours it as CAUSAL does.
     */
    public void adopt(String token) throws SQLException {
        ConsistencyToken parsed = ConsistencyToken.parse(token, backend.id());
        position.rebase(backend);
        long epoch = backend.epoch();
        if (parsed.epoch() > epoch) {
            throw new SQLException("The consistency token '" + token + "' is of epoch " + parsed.epoch()
                    + " of the cluster's history, newer than the epoch " + epoch + " this router knows: "
                    + "try again once it has seen the failover", "22023");
        }
        long lsn = parsed.epoch() == epoch ? parsed.lsn() : backend.toEpoch(parsed.epoch(), parsed.lsn());
        long newest = newestCommitted();
        if (lsn > newest) {
            // no session of this cluster can have seen it: every read would wait for a replica that never gets there
            throw new SQLException("The consistency token '" + token + "' carries LSN " + lsn + ", beyond LSN "
                    + newest + ", the newest this cluster has committed: it was not taken from this cluster's "
                    + "history", "22023");
        }
        position.wrote(lsn);
        router.readFrom(lsn);
    }

    /**
     * The highest position a token of this cluster can carry now: C, or a commit being published; the
     * primary's own when it answers. Long.MAX_VALUE when no one can say (a PostgreSQL primary gone).
     */
    private long newestCommitted() {
        long newest = Math.max(backend.knownCommittedUpperBound(), backend.committedLsn());
        try {
            return Math.max(newest, backend.committedUpperBound(nodes));
        } catch (SQLException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Counts a read the session's transaction or isolation sends to the primary outside routing. */
    void countPrimaryRead() {
        cluster.routingStats().increment(spec.getLevel(), Counter.PRIMARY_READS);
    }

    /** The session's causal token: the cluster, the epoch and T. */
    public String token() throws SQLException {
        long t = observedNow();
        return ConsistencyToken.format(backend.id(), position.epoch(), t);
    }

    /** SHOW CONSISTENCY: level, token, timeout, fallback, sticky replica. */
    public ResultSet show() throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("LEVEL", Types.VARCHAR, 64, 0);
        rs.addColumn("TOKEN", Types.VARCHAR, 128, 0);
        rs.addColumn("TIMEOUT_MS", Types.BIGINT, 19, 0);
        rs.addColumn("FALLBACK", Types.VARCHAR, 16, 0);
        rs.addColumn("STICKY_REPLICA", Types.VARCHAR, 64, 0);
        rs.addRow(spec.toString(), token(), timeoutMillis, fallback.name(), router.stickyReplica());
        return rs;
    }

    private ConsistencySpec checked(ConsistencySpec candidate) throws SQLException {
        if (candidate.getLevel() == ConsistencyLevel.BOUNDED_STALENESS && candidate.getUnit() == StalenessUnit.VERSIONS
                && !backend.countsVersions()) {
            throw new SQLFeatureNotSupportedException(candidate + " is not available on a PostgreSQL cluster: its WAL "
                    + "has no count of transactions; bound the staleness in MS or SECONDS", "0A000");
        }
        if (candidate.getLevel() == ConsistencyLevel.QUORUM) {
            int n = backend.replicaCount();
            int w = Quorums.write(candidate, n);
            int r = Quorums.read(candidate, n);
            if (n > 0 && (w > n || r > n)) {
                throw new SQLException(candidate + " needs " + Math.max(w, r) + " replicas; the cluster has " + n,
                        "22023");
            }
        }
        return candidate;
    }

    private SQLWarning quorumWarning(ConsistencySpec candidate) {
        int n = backend.replicaCount();
        if (candidate.getLevel() != ConsistencyLevel.QUORUM || n == 0) {
            return null;
        }
        int w = Quorums.write(candidate, n);
        int r = Quorums.read(candidate, n);
        if (w + r > n) {
            return null;
        }
        return new SQLWarning(candidate + ": WRITE " + w + " + READ " + r + " <= " + n
                + " replicas, so a read may miss an acknowledged write (reads may be stale)", "01000");
    }

    private static long checkedTimeout(long millis) throws SQLException {
        if (millis < 0 || millis > MAX_TIMEOUT_MILLIS) {
            throw new SQLException("CONSISTENCY TIMEOUT must be between 0 and " + MAX_TIMEOUT_MILLIS + " ms, not "
                    + millis, "22023");
        }
        return millis;
    }
}
