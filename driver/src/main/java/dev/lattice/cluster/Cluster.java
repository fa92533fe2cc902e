package dev.lattice.cluster;

import dev.lattice.locking.LockElision;
import dev.lattice.locking.LockManager;
import dev.lattice.locking.PrimaryKeys;
import dev.lattice.replication.ApplyProgress;
import dev.lattice.replication.CaptureTable;
import dev.lattice.replication.CommitSequencer;
import dev.lattice.replication.DurableLog;
import dev.lattice.replication.PrimaryDurability;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.replication.SchemaGate;
import dev.lattice.replication.TransactionLog;
import dev.lattice.replication.TriggerInstaller;
import dev.lattice.routing.CausalPosition;
import dev.lattice.routing.RoutingStats;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One primary and its replicas, running: the log and its sequencer, one applier per replica,
 * and the gate that orders DDL. Every session on the cluster in this JVM shares this object.
 */
public final class Cluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final ClusterConfig config;
    private final String id;
    private final Node primary;
    private final List<Replica> replicas;
    private final CommitSequencer sequencer;
    private final SchemaGate schemaGate;
    private final ScheduledExecutorService housekeeping;
    private final ApplyProgress applyProgress;
    private final RoutingStats routingStats = new RoutingStats();
    private final CausalPosition sharedPosition = new CausalPosition();
    private final LockManager lockManager = new LockManager();
    private final LockElision lockElision = new LockElision();
    private final PrimaryKeys primaryKeys = new PrimaryKeys();

    private Cluster(ClusterConfig config, String id, Node primary, List<Replica> replicas, CommitSequencer sequencer,
                    SchemaGate schemaGate, ScheduledExecutorService housekeeping, ApplyProgress applyProgress) {
        this.config = config;
        this.id = id;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.sequencer = sequencer;
        this.schemaGate = schemaGate;
        this.housekeeping = housekeeping;
        this.applyProgress = applyProgress;
    }

    /** Opens the primary (creating Lattice's schema on it), installs capture, starts the appliers. */
    public static Cluster start(ClusterConfig config) throws SQLException {
        // h2fix: a commit is acknowledged only once written on the primary (WRITE_DELAY 0), or no start.
        String primaryUrl = PrimaryDurability.durableUrl(config.primaryUrl(), config.user(), config.password());
        Node primary = new Node("primary", NodeRole.PRIMARY, primaryUrl, config.user(), config.password());
        DurableLog durable = config.durable() ? new DurableLog() : null;
        String id;
        long lastLsn = 0;
        try (Connection c = primary.connectDirect()) {
            id = clusterId(c);
            if (durable != null) {
                lastLsn = durable.open(c);
            }
            if (!primary.embedded()) {
                CaptureTable.create(c);
            }
            TriggerInstaller.installMissing(c);
        }
        List<Replica> replicas = new ArrayList<>();
        List<ReplicaApplier> appliers = new ArrayList<>();
        TransactionLog log = new TransactionLog(config.logRetention(), durable, lastLsn);
        CommitSequencer sequencer = new CommitSequencer(log, () -> appliers.forEach(ReplicaApplier::wake));
        ApplyProgress progress = new ApplyProgress();
        for (int i = 0; i < config.replicaUrls().size(); i++) {
            Node node = new Node("replica" + (i + 1), NodeRole.REPLICA, config.replicaUrls().get(i),
                    config.user(), config.password());
            ReplicaApplier applier = new ReplicaApplier(node, primary, sequencer, progress);
            appliers.add(applier);
            replicas.add(new Replica(node, applier));
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lattice-housekeeping");
            t.setDaemon(true);
            return t;
        });
        Cluster cluster = new Cluster(config, id, primary, replicas, sequencer,
                new SchemaGate(config.lockTimeoutMillis()), housekeeping, progress);
        appliers.forEach(ReplicaApplier::start);
        if (durable != null) {
            housekeeping.scheduleWithFixedDelay(cluster::truncateLog, 1, 1, TimeUnit.SECONDS);
        }
        LOG.info("Lattice cluster {} started: primary {} and {} replica(s), at LSN {}", config.key(),
                primary.url(), replicas.size(), lastLsn);
        return cluster;
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

    private void truncateLog() {
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

    /** The cluster's identity, which consistency tokens carry. */
    public String id() {
        return id;
    }

    public Node primary() {
        return primary;
    }

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

    /** Where reads wait for a replica to catch up. */
    public ApplyProgress applyProgress() {
        return applyProgress;
    }

    /** The SHOW STATS counters. */
    public RoutingStats routingStats() {
        return routingStats;
    }

    /** W and T shared by every connection opened with sessionScope=shared. */
    public CausalPosition sharedPosition() {
        return sharedPosition;
    }

    /** The two-phase-locking manager of SERIALIZABLE transactions and of every write. */
    public LockManager lockManager() {
        return lockManager;
    }

    public LockElision lockElision() {
        return lockElision;
    }

    public PrimaryKeys primaryKeys() {
        return primaryKeys;
    }

    /** C: the LSN of the newest committed transaction on the primary. */
    public long committedLsn() {
        return sequencer.log().committed();
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        replicas.forEach(r -> r.applier().stop());
        replicas.forEach(r -> r.node().close());
        primary.close();
    }
}
