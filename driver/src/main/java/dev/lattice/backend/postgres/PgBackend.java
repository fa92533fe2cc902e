package dev.lattice.backend.postgres;

import dev.lattice.backend.ApplyProgress;
import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.PrimaryLink;
import dev.lattice.backend.PrimaryTransaction;
import dev.lattice.backend.SessionContext;
import dev.lattice.cluster.ClusterConfig;
import dev.lattice.cluster.Node;
import dev.lattice.cluster.NodeRole;
import dev.lattice.locking.SessionLocks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL primary and its streaming standbys (SPEC §7). PostgreSQL replicates; Lattice
 * installs nothing on the nodes and keeps no log. Positions are WAL byte positions, compared only
 * within one timeline: the epoch is the primary's timeline, and a position of an older timeline
 * counts up to where the current one forked from it. Whichever configured node reports
 * {@code pg_is_in_recovery() = false} on the newest timeline is the primary; one on an older
 * timeline is fenced and never gets writes.
 */
public final class PgBackend implements ClusterBackend {

    private static final Logger LOG = LoggerFactory.getLogger(PgBackend.class);

    private final ClusterConfig config;
    private final String id;
    private final List<PgNode> nodes;
    private final List<Standby> standbys;
    private final ApplyProgress progress = new ApplyProgress();
    private final CommitClock clock = new CommitClock();
    /** Timeline → the position where the next timeline forked from it. */
    private final Map<Long, Long> forks = new ConcurrentHashMap<>();
    private volatile PgNode primary;
    private volatile long epoch;
    private volatile long committed;
    /** The newest W of a commit acknowledged without waiting for the synchronous set (see {@link #acknowledgedOutsideSyncSet()}). */
    private volatile long outsideSyncSet;
    private volatile String noPrimary = "no node has been seen as the primary yet";

    private PgBackend(ClusterConfig config, String id, List<Node> members) {
        this.config = config;
        this.id = id;
        List<PgNode> polled = new ArrayList<>();
        List<Standby> replicas = new ArrayList<>();
        for (Node member : members) {
            PgNode n = new PgNode(member, config.pollIntervalMillis(), this);
            polled.add(n);
            replicas.add(new Standby(n, this)); // any node serves reads while it is a standby, the configured primary too
        }
        this.nodes = List.copyOf(polled);
        this.standbys = List.copyOf(replicas);
    }

    /** Connects to every node (an unreachable node or a wrong password is an error naming it), then starts polling. */
    public static PgBackend start(ClusterConfig config) throws SQLException {
        List<String> urls = new ArrayList<>();
        urls.add(config.primaryUrl());
        urls.addAll(config.replicaUrls());
        List<Node> members = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            members.add(new Node(i == 0 ? "primary" : "replica" + i, i == 0 ? NodeRole.PRIMARY : NodeRole.REPLICA,
                    urls.get(i), config.user(), config.password(), config.nodePoolSize()));
        }
        String id = null;
        for (Node member : members) {
            String system = systemIdentifier(member);
            if (id == null) {
                id = system;
            } else if (!id.equals(system)) {
                throw new SQLException("PostgreSQL node " + member.name() + " (" + member.safeUrl() + ") is not a "
                        + "standby of the primary: its system identifier is " + system + ", the primary's " + id, "22023");
            }
        }
        PgBackend backend = new PgBackend(config, "pg-" + id, members);
        for (PgNode n : backend.nodes) {
            try {
                n.pollOnce();
            } catch (SQLException e) {
                backend.close();
                throw unreachableAtStart(n.node(), e);
            }
        }
        backend.elect();
        if (backend.primary == null) {
            backend.close();
            throw new SQLNonTransientConnectionException("No configured PostgreSQL node is a primary ("
                    + backend.noPrimary + ")", "08006");
        }
        for (PgNode n : backend.nodes) {
            n.assumeTimeline(backend.epoch);
        }
        backend.nodes.forEach(PgNode::start);
        LOG.info("Lattice over PostgreSQL: primary {} on timeline {} and {} standby(s), at {}",
                backend.primary.node().safeUrl(), backend.epoch, backend.replicaCount(),
                WalPosition.format(backend.committed));
        return backend;
    }

    private static String systemIdentifier(Node member) throws SQLException {
        try (Connection c = member.connectDirect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw unreachableAtStart(member, e);
        }
    }

    private static SQLException unreachableAtStart(Node member, SQLException e) {
        String state = e.getSQLState() == null ? "08001" : e.getSQLState();
        return new SQLNonTransientConnectionException("Cannot use PostgreSQL node " + member.name() + " ("
                + member.safeUrl() + "): " + e.getMessage(), state, e);
    }

    /** After a poll of the primary: C was at most {@code at} when the poll was sent. */
    void primaryAt(PgNode node, long sentNanos, long at) {
        if (node == primary && node.timeline() == epoch) {
            raiseCommitted(sentNanos, at);
        }
    }

    /**
     * After a commit through Lattice: its W. It raises C but is no sample of the commit clock: the
     * flush position W usually is may lie below another session's asynchronous commit.
     */
    void committedAt(long w) {
        raise(w);
    }

    /** A commit at W was acknowledged without waiting for the synchronous set (a level other than STRONG). */
    void acknowledgedOutsideSyncSet(long w) {
        if (w > outsideSyncSet) {
            synchronized (this) {
                if (w > outsideSyncSet) {
                    outsideSyncSet = w;
                }
            }
        }
    }

    @Override
    public long acknowledgedOutsideSyncSet() {
        return Math.min(outsideSyncSet, committed);
    }

    /** C was at most {@code at} (an insert position) when it was asked for at {@code sentNanos}. */
    private void raiseCommitted(long sentNanos, long at) {
        clock.sample(sentNanos, at);
        raise(at);
    }

    private void raise(long at) {
        if (at > committed) {
            synchronized (this) {
                if (at > committed) {
                    committed = at;
                }
            }
        }
    }

    /** After any poll: who is primary, who is in the synchronous set; readers waiting look again. */
    void polled() {
        elect();
        for (Standby s : standbys) {
            s.updateSyncSet();
        }
        progress.signal();
    }

    /** The primary is the one node out of recovery on the newest timeline seen; none when there are two. */
    private synchronized void elect() {
        List<PgNode.Seen> seen = new ArrayList<>(nodes.size());
        long newest = epoch;
        for (PgNode n : nodes) {
            PgNode.Seen s = n.seen(); // one poll's answer per node: role, timeline and position agree
            seen.add(s);
            if (s.reachable() && !s.inRecovery()) {
                newest = Math.max(newest, s.timeline());
            }
        }
        PgNode chosen = null;
        PgNode.Seen chosenSeen = null;
        int claimants = 0;
        for (int i = 0; i < nodes.size(); i++) {
            PgNode.Seen s = seen.get(i);
            if (s.reachable() && !s.inRecovery() && s.timeline() == newest) {
                chosen = nodes.get(i);
                chosenSeen = s;
                claimants++;
            }
        }
        if (claimants != 1) {
            if (primary != null) {
                LOG.warn("PostgreSQL primary lost: {}", claimants == 0 ? "no configured node is a reachable primary"
                        : claimants + " nodes claim timeline " + newest);
            }
            noPrimary = claimants == 0 ? "no configured node is a reachable primary on timeline " + newest
                    : claimants + " nodes claim to be the primary on timeline " + newest;
            primary = null;
            return;
        }
        if (newest > epoch) {
            long kept = chosenSeen.position();
            if (epoch > 0) {
                long fork = chosenSeen.replayed();
                for (long t = epoch; t < newest; t++) {
                    forks.putIfAbsent(t, fork < 0 ? Long.MAX_VALUE : fork);
                }
                // C never falls below what the new timeline kept of the old history
                kept = Math.max(kept, fork < 0 ? -1 : Math.min(committed, fork));
                LOG.info("PostgreSQL failover: {} is the primary on timeline {} (forked at {})", chosen.node().name(),
                        newest, WalPosition.format(fork));
            }
            committed = kept;
            epoch = newest;
        }
        if (primary != chosen && primary != null) {
            LOG.info("PostgreSQL primary is now {}", chosen.node().name());
        }
        primary = chosen;
    }

    /** A standby's position on its timeline, as a position of the current history; -1 if it is not part of it. */
    long inCurrentHistory(long timeline, long position) {
        long current = epoch;
        if (position < 0 || timeline == current) {
            return position;
        }
        if (timeline > current) {
            return -1;
        }
        Long fork = forks.get(timeline);
        return fork != null && position <= fork ? position : -1;
    }

    long lagMillis(long applied) {
        return clock.lagMillis(applied, System.nanoTime());
    }

    boolean isPrimary(PgNode node) {
        return primary == node;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public long toEpoch(long fromEpoch, long lsn) {
        Long fork = forks.get(fromEpoch);
        return fork == null ? lsn : Math.min(lsn, fork);
    }

    @Override
    public Node primary() throws SQLException {
        PgNode p = primary;
        if (p == null) {
            throw new SQLNonTransientConnectionException("No PostgreSQL primary is reachable (" + noPrimary
                    + "): writes fail until the primary is back or a standby is promoted (pg_ctl promote); "
                    + "reads go on where the level allows", "08006");
        }
        return p.node();
    }

    /**
     * Every configured node: whichever is a standby now serves reads as a replica (the configured
     * primary too, once it has been rebuilt as a standby after a failover); the primary is not
     * readable as one.
     */
    @Override
    public List<Standby> replicas() {
        return standbys;
    }

    /** N: every node but the primary. */
    @Override
    public int replicaCount() {
        return nodes.size() - 1;
    }

    @Override
    public long committedLsn() {
        return committed;
    }

    /** Asks the primary, on a pooled connection of its own, for its insert position: past every commit acknowledged so far. */
    @Override
    public long readIndex(PrimaryLink link) throws SQLException {
        Node p = primary();
        long sent = System.nanoTime();
        try (Connection c = p.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            long at = WalPosition.parse(rs.getString(1));
            if (c.getAutoCommit() == false) {
                c.commit();
            }
            raiseCommitted(sent, at);
            return at;
        } catch (SQLException e) {
            refresh();
            throw e;
        }
    }

    @Override
    public long knownCommittedUpperBound() {
        return -1;
    }

    @Override
    public long committedUpperBound(PrimaryLink link) throws SQLException {
        return readIndex(link);
    }

    @Override
    public ApplyProgress progress() {
        return progress;
    }

    @Override
    public void refresh() {
        for (PgNode n : nodes) {
            n.refresh();
        }
    }

    @Override
    public boolean countsVersions() {
        return false;
    }

    /** One REPEATABLE READ snapshot on the standby. */
    @Override
    public int snapshotIsolation() {
        return Connection.TRANSACTION_REPEATABLE_READ;
    }

    @Override
    public PrimaryTransaction transaction(SessionContext session, PrimaryLink link, SessionLocks locks) {
        return new PgTransaction(this, session, link);
    }

    @Override
    public ResultSet showReplicas() {
        return StandbyAdmin.showReplicas(this, nodes);
    }

    @Override
    public void setDelay(String replica, long millis) throws SQLException {
        StandbyAdmin.setDelay(standby(replica), millis);
    }

    @Override
    public void setPaused(String replica, boolean paused) throws SQLException {
        StandbyAdmin.setPaused(standby(replica), paused);
        progress.signal();
    }

    private Standby standby(String name) throws SQLException {
        for (Standby s : standbys) {
            if (s.node().name().equalsIgnoreCase(name)) {
                if (isPrimary(s.pgNode())) {
                    throw new SQLException("PostgreSQL node " + s.node().name() + " is the primary now: ALTER REPLICA "
                            + "changes a standby's replay", "55000");
                }
                return s;
            }
        }
        throw dev.lattice.cluster.Cluster.unknownReplica(name, standbys);
    }

    /** PostgreSQL's failover is PostgreSQL's own; Lattice follows it. */
    @Override
    public java.sql.SQLWarning promote(String replica, boolean force) throws SQLException {
        throw new java.sql.SQLFeatureNotSupportedException("ALTER CLUSTER PROMOTE is for H2 clusters: a PostgreSQL "
                + "standby is promoted by PostgreSQL (pg_ctl promote, Patroni, pg_auto_failover), and Lattice "
                + "follows it to the new timeline", "0A000");
    }

    @Override
    public String productName() {
        return "PostgreSQL";
    }

    @Override
    public void close() {
        nodes.forEach(PgNode::stop);
        nodes.forEach(n -> n.node().close());
    }
}
