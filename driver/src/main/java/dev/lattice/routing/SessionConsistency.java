package dev.lattice.routing;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.Replica;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.routing.RoutingStats.Counter;
import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Types;
import java.util.concurrent.TimeUnit;
import org.h2.tools.SimpleResultSet;

/**
 * A session's consistency: its level, timeout and fallback, its causal position (W and T), and
 * what each level asks of reads (where they go) and of commits (who must have applied them
 * before COMMIT returns).
 */
public final class SessionConsistency {

    /** Longest CONSISTENCY TIMEOUT accepted: an hour. */
    public static final long MAX_TIMEOUT_MILLIS = 3_600_000;

    private final Cluster cluster;
    private final CausalPosition position;
    private final Router router;
    private final long failureTimeoutMillis;
    private ConsistencySpec spec;
    private long timeoutMillis;
    private Fallback fallback;

    public SessionConsistency(Cluster cluster, CausalPosition position, ConsistencySpec spec, long timeoutMillis,
                              Fallback fallback, long failureTimeoutMillis) throws SQLException {
        this.cluster = cluster;
        this.position = position;
        this.router = new Router(cluster);
        this.failureTimeoutMillis = failureTimeoutMillis;
        this.spec = checked(spec);
        this.timeoutMillis = checkedTimeout(timeoutMillis);
        this.fallback = fallback;
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
        return router.route(spec, position, timeoutMillis, fallback);
    }

    /** Cancels a wait for a replica now under way. */
    void cancelWait() {
        router.cancel();
    }

    /** Records what a read on that node saw, as an upper bound: the node's applied LSN after the read. */
    void afterRead(int nodeIndex) {
        // h2fix: C may lag what the primary shows (a commit between H2's COMMIT and its LSN's publication).
        long lsn = nodeIndex == 0 ? cluster.sequencer().committedUpperBound() : cluster.replicas().get(nodeIndex - 1).applied();
        position.observe(lsn);
        router.readFrom(lsn);
    }

    void observed(long lsn) {
        position.observe(lsn);
    }

    /**
     * After the primary committed a write with this LSN: STRONG waits for every replica of the
     * synchronous set (one too slow past the failure timeout leaves the set), QUORUM for w replicas.
     *
     * @return a warning when QUORUM gave up waiting with FALLBACK PRIMARY, else null
     */
    SQLWarning afterCommit(long lsn) throws SQLException {
        position.wrote(lsn);
        ConsistencyLevel level = spec.getLevel();
        if (level == ConsistencyLevel.STRONG) {
            awaitSyncSet(lsn);
            cluster.routingStats().increment(level, Counter.SYNC_COMMITS);
        } else if (level == ConsistencyLevel.QUORUM && !cluster.replicas().isEmpty()) {
            SQLWarning warning = awaitQuorum(lsn);
            cluster.routingStats().increment(level, Counter.SYNC_COMMITS);
            return warning;
        }
        return null;
    }

    private void awaitSyncSet(long lsn) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(failureTimeoutMillis);
        for (Replica r : cluster.replicas()) {
            ReplicaApplier a = r.applier();
            if (!a.inSyncSet()) {
                continue;
            }
            try {
                if (!a.awaitApplied(lsn, deadline - System.nanoTime()) && a.applied() < lsn) {
                    a.leaveSyncSet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while waiting for the synchronous set", "57014", e);
            }
        }
    }

    private SQLWarning awaitQuorum(long lsn) throws SQLException {
        int w = Quorums.write(spec, cluster.replicas().size());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int applied;
        long seen = cluster.applyProgress().generation();
        while ((applied = appliedCount(lsn)) < w) {
            try {
                if (!cluster.applyProgress().awaitChange(seen, deadline - System.nanoTime())
                        && System.nanoTime() - deadline >= 0) {
                    applied = appliedCount(lsn);
                    break;
                }
                seen = cluster.applyProgress().generation();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while waiting for the write quorum", "57014", e);
            }
        }
        if (applied >= w) {
            return null;
        }
        String message = "COMMIT is durable on the primary (LSN " + lsn + ") but only " + applied + " of the " + w
                + " replicas of " + spec + " applied it within " + timeoutMillis + " ms";
        if (fallback == Fallback.ERROR) {
            cluster.routingStats().increment(ConsistencyLevel.QUORUM, Counter.ERRORS);
            throw new SQLException(message, Router.NO_REPLICA_IN_TIME);
        }
        cluster.routingStats().increment(ConsistencyLevel.QUORUM, Counter.FALLBACKS);
        return new SQLWarning(message, "01000");
    }

    private int appliedCount(long lsn) {
        int n = 0;
        for (Replica r : cluster.replicas()) {
            if (r.applied() >= lsn) {
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
        position.wrote(ConsistencyToken.parse(token, cluster.id()));
    }

    /** Counts a read the session's transaction or isolation sends to the primary outside routing. */
    void countPrimaryRead() {
        cluster.routingStats().increment(spec.getLevel(), Counter.PRIMARY_READS);
    }

    /** The session's causal token: the cluster and T. */
    public String token() {
        return ConsistencyToken.format(cluster.id(), position.observed());
    }

    /** SHOW CONSISTENCY: level, token, timeout, fallback, sticky replica. */
    public ResultSet show() {
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
        if (candidate.getLevel() == ConsistencyLevel.QUORUM) {
            int n = cluster.replicas().size();
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
        int n = cluster.replicas().size();
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
