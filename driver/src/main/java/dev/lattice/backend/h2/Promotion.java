package dev.lattice.backend.h2;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.Node;
import dev.lattice.cluster.NodeRole;
import dev.lattice.replication.CaptureTable;
import dev.lattice.replication.PrimaryDurability;
import dev.lattice.replication.ReplicaState;
import dev.lattice.replication.SequenceSync;
import dev.lattice.replication.TriggerInstaller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ALTER CLUSTER PROMOTE (SPEC §8): makes a replica the primary of an H2 cluster whose primary is
 * unreachable or fenced. The replica first applies what this router still holds of the log; without
 * FORCE it must then have every transaction the cluster committed. It gets Lattice's log (continuing
 * at its applied LSN + 1), capture and counters past its rows; the cluster's epoch rises; the other
 * replicas follow it, from where they are or from a snapshot; the old primary stays fenced.
 */
final class Promotion {

    private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);
    private static final long CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final H2Backend backend;
    private final String name;
    private final boolean force;

    Promotion(H2Backend backend, String name, boolean force) {
        this.backend = backend;
        this.name = name;
        this.force = force;
    }

    SQLWarning run() throws SQLException {
        Replica target = backend.replica(name);
        if (target == null) {
            throw Cluster.unknownReplica(name, backend.replicas());
        }
        if (target.applier().state() == ReplicaState.PRIMARY) {
            throw new SQLException("Replica " + target.node().name() + " is the primary already", "55000");
        }
        Node old = backend.primaryNode();
        if (backend.health().usable() && !backend.health().confirmLost(old, new SQLException("promote", "08006"))) {
            throw new SQLException("The primary " + old.safeUrl() + " is reachable: ALTER CLUSTER PROMOTE replaces "
                    + "only a primary that is unreachable or fenced", "55000");
        }
        long committed = backend.committedLsn();
        long applied = catchUp(target, committed);
        long acknowledgedSync = backend.syncAcknowledged();
        if (!force && applied < committed) {
            throw new SQLException("Replica " + target.node().name() + " has applied LSN " + applied + " but the cluster "
                    + "committed up to LSN " + committed + ": promoting it would lose " + (committed - applied)
                    + " acknowledged transaction(s)" + (acknowledgedSync > applied
                    ? ", among them STRONG/QUORUM commits up to LSN " + acknowledgedSync : "")
                    + ". Restore the primary, promote a replica that has them, or ALTER CLUSTER PROMOTE "
                    + target.node().name() + " FORCE to accept the loss", "55000");
        }
        List<Replica> others = new ArrayList<>();
        for (Replica r : backend.replicas()) {
            if (r != target && r.applier().state() != ReplicaState.PRIMARY) {
                others.add(r);
                r.applier().stop();
            }
        }
        target.applier().stop();
        applied = target.applier().applied();
        Node primary;
        try {
            primary = prepare(target, applied);
        } catch (SQLException | RuntimeException e) {
            // nothing changed for the cluster: the replicas go on as they were
            target.applier().follow(old, Long.MAX_VALUE);
            others.forEach(r -> r.applier().follow(old, Long.MAX_VALUE));
            throw e;
        }
        long fork = applied;
        backend.sequencer().whileNoCommits(() -> {
            backend.sequencer().log().truncateAfter(fork);
            return null;
        });
        target.applier().promoted();
        backend.promoted(primary, fork);
        List<Long> forks = backend.forks();
        for (Replica r : others) {
            recordEpochs(r, forks);
            r.applier().follow(primary, fork);
        }
        LOG.warn("Replica {} promoted to primary at LSN {} (epoch {}); {} LSN(s) of the old history lost",
                target.node().name(), fork, backend.epoch(), committed - fork);
        if (committed > fork) {
            return new SQLWarning("Replica " + target.node().name() + " promoted to primary at LSN " + fork + ": "
                    + (committed - fork) + " LSN(s) committed on the old primary (up to LSN " + committed
                    + ") are lost" + (acknowledgedSync > fork ? ", among them acknowledged STRONG/QUORUM commits" : ""),
                    "01000");
        }
        return null;
    }

    /** Tells a follower the epochs, so a router started later against the former primary refuses it. */
    private static void recordEpochs(Replica follower, List<Long> forks) {
        try (Connection c = follower.node().connectDirect()) {
            c.setAutoCommit(true);
            Epochs.write(c, forks);
        } catch (SQLException e) {
            LOG.warn("Replica {} is unreachable and does not know epoch {} yet: a router started later must be given "
                    + "the new primary's URL", follower.node().name(), forks.size() + 1);
        }
    }

    /** Lets the replica apply what the router still holds in memory; returns its applied LSN. */
    private static long catchUp(Replica target, long committed) {
        long deadline = System.nanoTime() + CATCH_UP_NANOS;
        while (target.applier().applied() < committed && System.nanoTime() - deadline < 0
                && target.applier().state() == ReplicaState.ONLINE) {
            try {
                target.applier().awaitApplied(committed, TimeUnit.MILLISECONDS.toNanos(50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return target.applier().applied();
    }

    /** Gives the replica what a primary needs: the cluster's identity, epochs, log, capture, counters. */
    private Node prepare(Replica target, long fork) throws SQLException {
        String user = backend.config().user();
        String password = backend.config().password();
        String url = PrimaryDurability.durableUrl(target.node().url(), user, password);
        Node primary = new Node(target.node().name(), NodeRole.PRIMARY, url, user, password,
                backend.config().nodePoolSize());
        try (Connection c = primary.connectDirect()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
                s.execute("CREATE TABLE IF NOT EXISTS LATTICE.CLUSTER(ID VARCHAR(64) NOT NULL)");
                s.execute("DELETE FROM LATTICE.CLUSTER");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO LATTICE.CLUSTER VALUES (?)")) {
                ps.setString(1, backend.id());
                ps.executeUpdate();
            }
            List<Long> forks = new ArrayList<>(backend.forks());
            forks.add(fork);
            Epochs.write(c, forks);
            if (backend.sequencer().log().durable() != null) {
                backend.sequencer().log().durable().open(c);
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM LATTICE.LOG");
                }
            }
            if (!primary.embedded()) {
                CaptureTable.create(c);
            }
            TriggerInstaller.installMissing(c);
            SequenceSync.pastEveryRow(c);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
        }
        return primary;
    }
}
