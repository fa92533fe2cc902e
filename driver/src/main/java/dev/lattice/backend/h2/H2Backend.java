package dev.lattice.backend.h2;

import dev.lattice.backend.ApplyProgress;
import dev.lattice.backend.ClusterBackend;
import dev.lattice.backend.PrimaryLink;
import dev.lattice.backend.PrimaryTransaction;
import dev.lattice.backend.SessionContext;
import dev.lattice.cluster.ClusterConfig;
import dev.lattice.cluster.Node;
import dev.lattice.cluster.NodeRole;
import dev.lattice.locking.SessionLocks;
import dev.lattice.replication.CaptureTable;
import dev.lattice.replication.CommitSequencer;
import dev.lattice.replication.DurableLog;
import dev.lattice.replication.PrimaryDurability;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.replication.ReplicaState;
import dev.lattice.replication.SchemaGate;
import dev.lattice.replication.TransactionLog;
import dev.lattice.replication.TriggerInstaller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An H2 primary and the replicas Lattice keeps in step itself: the log and its sequencer, one
 * applier per replica, and the gate that orders DDL. LSNs count committed transactions.
 */
public final class H2Backend implements ClusterBackend {

    private static final Logger LOG = LoggerFactory.getLogger(H2Backend.class);

    private final ClusterConfig config;
    private final String id;
    private volatile Node primary;
    private final PrimaryHealth health = new PrimaryHealth();
    private final Backpressure backpressure;
    /** The highest LSN a STRONG or QUORUM commit waited for and had acknowledged: a promoted replica must have it. */
    private final java.util.concurrent.atomic.AtomicLong syncAcknowledged = new java.util.concurrent.atomic.AtomicLong();
    private final List<Replica> replicas;
    private final CommitSequencer sequencer;
    private final SchemaGate schemaGate;
    private final ScheduledExecutorService housekeeping;
    /** Every node is embedded; promotion only moves the primary among them. */
    private final boolean inProcess;
    private final ApplyProgress progress;
    private volatile int replicaCount;
    /** forks.get(e - 1): the last LSN of epoch e that epoch e + 1 kept (where its primary was promoted). */
    private final List<Long> forks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long epoch = 1;
    private final List<Node> formerPrimaries = new java.util.concurrent.CopyOnWriteArrayList<>();

    private H2Backend(ClusterConfig config, String id, Node primary, List<Replica> replicas, CommitSequencer sequencer,
                      ScheduledExecutorService housekeeping, ApplyProgress progress) {
        this.config = config;
        this.id = id;
        this.primary = primary;
        health.watch(primary);
        this.replicas = List.copyOf(replicas);
        this.replicaCount = this.replicas.size();
        this.sequencer = sequencer;
        this.schemaGate = new SchemaGate(config.lockTimeoutMillis());
        this.housekeeping = housekeeping;
        this.progress = progress;
        this.backpressure = new Backpressure(config.maxReplicaLag(), this.replicas, progress);
        this.inProcess = primary.embedded() && this.replicas.stream().allMatch(r -> r.node().embedded());
    }

    @Override
    public boolean inProcess() {
        return inProcess;
    }

    /** Opens the primary (creating Lattice's schema on it), installs capture, starts the appliers. */
    public static H2Backend start(ClusterConfig config) throws SQLException {
        // a database in files stays open through the checks and the setup below, and then while the cluster runs
        Node configured = new Node("primary", NodeRole.PRIMARY, config.primaryUrl(), config.user(), config.password());
        List<Node> held = new ArrayList<>();
        try {
            holdOpen(configured); // if it cannot be opened, durableUrl says why
            // a commit is acknowledged only once written on the primary (WRITE_DELAY 0), or no start
            String primaryUrl = PrimaryDurability.durableUrl(config.primaryUrl(), config.user(), config.password());
            Node primary = new Node("primary", NodeRole.PRIMARY, primaryUrl, config.user(), config.password());
            held.add(primary);
            primary.holdOpen();
            configured.close();
            return start(config, primary, held);
        } catch (SQLException | RuntimeException e) {
            configured.close();
            held.forEach(Node::close); // a start that fails leaves no database open
            throw e;
        }
    }

    private static H2Backend start(ClusterConfig config, Node primary, List<Node> held) throws SQLException {
        DurableLog durable = config.durable() ? new DurableLog() : null;
        String id;
        long lastLsn = 0;
        List<Long> forks;
        try (Connection c = primary.connectDirect()) {
            id = clusterId(c);
            if (durable != null) {
                lastLsn = durable.open(c);
            }
            forks = Epochs.read(c);
            lastLsn = Math.max(lastLsn, forks.isEmpty() ? 0 : forks.get(forks.size() - 1));
            if (!primary.embedded()) {
                CaptureTable.create(c);
            }
            TriggerInstaller.installMissing(c);
            config.nodeSetup().prepare(c);
        }
        List<Node> replicaNodes = new ArrayList<>();
        for (int i = 0; i < config.replicaUrls().size(); i++) {
            Node node = new Node("replica" + (i + 1), NodeRole.REPLICA, config.replicaUrls().get(i),
                    config.user(), config.password());
            held.add(node);
            holdOpen(node);
            replicaNodes.add(node);
        }
        Epochs.refuseFormerPrimary(primary.safeUrl(), forks.size() + 1, replicaNodes);
        List<Replica> replicas = new ArrayList<>();
        List<ReplicaApplier> appliers = new ArrayList<>();
        TransactionLog log = new TransactionLog(config.logRetention(), durable, lastLsn, !replicaNodes.isEmpty());
        CommitSequencer sequencer = new CommitSequencer(log, () -> appliers.forEach(ReplicaApplier::wake));
        ApplyProgress progress = new ApplyProgress();
        progress.onWait(() -> appliers.forEach(ReplicaApplier::nudge));
        for (Node node : replicaNodes) {
            ReplicaApplier applier = new ReplicaApplier(node, primary, sequencer, progress, config.nodeSetup(),
                    config.applyChunk(), config.kind() == ClusterConfig.Kind.FILE);
            appliers.add(applier);
            replicas.add(new Replica(node, applier));
        }
        log.readersApplied(appliedByAll(List.copyOf(appliers)), replicaNodes.stream().allMatch(Node::embedded));
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lattice-housekeeping");
            t.setDaemon(true);
            return t;
        });
        H2Backend backend = new H2Backend(config, id, primary, replicas, sequencer, housekeeping, progress);
        backend.forks.addAll(forks);
        backend.epoch = forks.size() + 1;
        appliers.forEach(ReplicaApplier::start);
        if (durable != null) {
            housekeeping.scheduleWithFixedDelay(backend::truncateLog, 1, 1, TimeUnit.SECONDS);
        }
        housekeeping.scheduleWithFixedDelay(() -> appliers.forEach(ReplicaApplier::watchForStall), 1, 1,
                TimeUnit.SECONDS);
        if (!primary.embedded()) {
            housekeeping.scheduleWithFixedDelay(backend::probePrimary, 200, 200, TimeUnit.MILLISECONDS);
        }
        LOG.info("Lattice cluster {} started: primary {} and {} replica(s), at LSN {}", config.key(),
                primary.url(), replicas.size(), lastLsn);
        return backend;
    }

    private static String clusterId(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
            s.execute("CREATE TABLE IF NOT EXISTS LATTICE.CLUSTER(ID VARCHAR(64) NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT ID FROM LATTICE.CLUSTER")) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
            String id = UUID.randomUUID().toString();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO LATTICE.CLUSTER VALUES (?)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return id;
        }
    }

    private void probePrimary() {
        try {
            health.probe(primary, this::primaryBack);
        } catch (RuntimeException | Error e) {
            LOG.warn("Probe of the primary failed: {}", e.toString());
        }
    }

    /**
     * The primary answers again after it was unreachable. It may be used only if its log holds every
     * transaction the cluster has seen: a primary restarted from an older copy of its files (or one
     * that lost its last writes) would hand out LSNs that replicas already applied for other changes.
     */
    private void primaryBack(Connection c) {
        LOG.info("The H2 primary {} answers again: checking its log", primary.safeUrl());
        try {
            long seen = committedLsn();
            for (Replica r : replicas) {
                seen = Math.max(seen, r.applied());
            }
            long has = sequencer.log().durable() == null ? seen : sequencer.log().durable().open(c);
            if (has < seen) {
                health.fence(PrimaryHealth.State.DIVERGENT, "its log ends at LSN " + has + ", the cluster has seen LSN "
                        + seen);
                return;
            }
            if (has > committedLsn()) {
                // commits that reached the primary but whose acknowledgement was lost with it: publish them
                sequencer.adopt(sequencer.log().durable().read(c, committedLsn() + 1, (int) (has - committedLsn())));
            }
            primary.evictPooled();
            health.recovered();
        } catch (SQLException e) {
            LOG.warn("The H2 primary answers but its log cannot be read: {}", e.getMessage());
        }
    }

    /**
     * After a session's error on the primary: the 08006 that says the primary is gone, when it is,
     * else the error itself.
     */
    SQLException primaryError(SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().equals("08006") && !health.usable()) {
            return e;
        }
        return health.confirmLost(primary, e) ? health.unusable(primary, e) : e;
    }

    public PrimaryHealth health() {
        return health;
    }

    /** The node that is the primary now, usable or not (see {@link #primary()}). */
    Node primaryNode() {
        return primary;
    }

    Backpressure backpressure() {
        return backpressure;
    }

    /** A STRONG or QUORUM commit at this LSN was acknowledged. */
    void syncAcknowledged(long lsn) {
        long current = syncAcknowledged.get();
        while (lsn > current && !syncAcknowledged.compareAndSet(current, lsn)) {
            current = syncAcknowledged.get();
        }
    }

    /** The highest LSN of an acknowledged STRONG or QUORUM commit. */
    public long syncAcknowledged() {
        return syncAcknowledged.get();
    }

    private void truncateLog() {
        if (!health.usable()) {
            return;
        }
        long upTo = sequencer.log().committed() - config.logRetention();
        if (upTo <= 0) {
            return;
        }
        try (Connection c = primary.connectDirect()) {
            sequencer.log().durable().truncate(c, upTo);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Log truncation failed: {}", e.getMessage());
        }
    }

    public ClusterConfig config() {
        return config;
    }

    @Override
    public String id() {
        return id;
    }

    /** 1, plus one for every ALTER CLUSTER PROMOTE in the cluster's history. */
    @Override
    public long epoch() {
        return epoch;
    }

    /** A position of an earlier epoch, capped at each promoted replica's LSN since: what the new history kept. */
    @Override
    public long toEpoch(long epoch, long lsn) {
        long kept = lsn;
        for (long e = Math.max(1, epoch); e < this.epoch && e - 1 < forks.size(); e++) {
            kept = Math.min(kept, forks.get((int) (e - 1)));
        }
        return kept;
    }

    /** The fork LSNs of the epochs after the first. */
    List<Long> forks() {
        return List.copyOf(forks);
    }

    /** Former primaries, fenced: a promoted replica took their place. */
    List<Node> formerPrimaries() {
        return formerPrimaries;
    }

    /** Called by {@link Promotion} once the new primary is ready: sessions go there from now on. */
    void promoted(Node newPrimary, long forkLsn) {
        formerPrimaries.add(primary);
        forks.add(forkLsn);
        primary = newPrimary;
        health.replaced(newPrimary);
        epoch = forks.size() + 1;
        int n = 0;
        for (Replica r : replicas) {
            if (r.applier().state() != ReplicaState.PRIMARY) {
                n++;
            }
        }
        replicaCount = n;
    }

    /** N: the replicas that are not the primary now (a promoted one is the primary, not one of QUORUM's N). */
    @Override
    public int replicaCount() {
        return replicaCount;
    }

    /** The primary; 08006 at once while it is unreachable or fenced. */
    @Override
    public Node primary() throws SQLException {
        if (!health.usable()) {
            throw health.unusable(primary, null);
        }
        return primary;
    }

    @Override
    public List<Replica> replicas() {
        return replicas;
    }

    /** The replica with this name (case-insensitive), or null. */
    public Replica replica(String name) {
        for (Replica r : replicas) {
            if (r.node().name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        return null;
    }

    public CommitSequencer sequencer() {
        return sequencer;
    }

    public SchemaGate schemaGate() {
        return schemaGate;
    }

    /** C: the LSN of the newest committed transaction on the primary. */
    @Override
    public long committedLsn() {
        return sequencer.log().committed();
    }

    @Override
    public long acknowledgedOutsideSyncSet() {
        return sequencer.acknowledgedOutsideSyncSet();
    }

    @Override
    public long readIndex(PrimaryLink link) {
        return committedLsn();
    }

    /** C may lag what the primary shows: a commit between H2's COMMIT and its LSN's publication. */
    @Override
    public long knownCommittedUpperBound() {
        return sequencer.committedUpperBound();
    }

    @Override
    public long committedUpperBound(PrimaryLink link) {
        return committedLsn();
    }

    @Override
    public ApplyProgress progress() {
        return progress;
    }

    @Override
    public void refresh() {
        // appliers publish every LSN as they apply it
    }

    @Override
    public boolean countsVersions() {
        return true;
    }

    /**
     * A replica connection reads inside one standing READ COMMITTED transaction, never committed:
     * each statement still reads the newest committed state (H2 takes a snapshot per statement at
     * READ COMMITTED, and a read holds no lock DDL would wait for), but H2 does not begin and commit
     * a transaction per read. That bookkeeping is shared by every session of the database: with
     * two threads reading at once, a point select cost 1.8 µs in autocommit and 1.1 µs in a
     * standing transaction (a throwaway harness on the 2-core bench machine).
     */
    @Override
    public void openedReplica(Connection replica) throws SQLException {
        replica.setReadOnly(true);
        replica.setAutoCommit(false);
    }

    /** H2's REPEATABLE READ snapshots each table at its first read; its SERIALIZABLE, the whole database at once. */
    @Override
    public int snapshotIsolation() {
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public PrimaryTransaction transaction(SessionContext session, PrimaryLink link, SessionLocks locks) {
        return new H2Transaction(this, session, link, locks);
    }

    @Override
    public ResultSet showReplicas() {
        return ReplicaAdmin.showReplicas(this);
    }

    @Override
    public void setDelay(String replica, long millis) throws SQLException {
        ReplicaAdmin.setDelay(this, replica, millis);
    }

    @Override
    public void setPaused(String replica, boolean paused) throws SQLException {
        ReplicaAdmin.setPaused(this, replica, paused);
    }

    @Override
    public java.sql.SQLWarning promote(String replica, boolean force) throws SQLException {
        synchronized (formerPrimaries) {
            return new Promotion(this, replica, force).run();
        }
    }

    @Override
    public String productName() {
        return "H2";
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        try {
            housekeeping.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        health.closeProbe();
        replicas.forEach(r -> r.applier().stop());
        replicas.forEach(r -> r.node().close());
        formerPrimaries.forEach(Node::close);
        primary.close();
    }

    /**
     * A node that cannot be opened now is not held open: a replica's applier meets the failure and
     * retries; the primary's is reported by the step that needs it.
     */
    private static void holdOpen(Node node) {
        try {
            node.holdOpen();
        } catch (SQLException e) {
            LOG.debug("{} could not be opened at the start: {}", node.name(), e.getMessage());
        }
    }

    /** The LSN every replica has applied; -1 while one's is unknown. */
    private static LongSupplier appliedByAll(List<ReplicaApplier> appliers) {
        return () -> {
            long min = Long.MAX_VALUE;
            for (ReplicaApplier applier : appliers) {
                min = Math.min(min, applier.applied());
            }
            return min;
        };
    }
}
