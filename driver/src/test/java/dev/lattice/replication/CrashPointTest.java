package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.NodeChecksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process running a file cluster (primary and two file replicas) is SIGKILLed at each step of a
 * commit and of DDL. Reopened, the cluster has every acknowledged transaction, and once the
 * replicas catch up every node agrees with the primary on schema and rows.
 */
class CrashPointTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            CrashPoint.COMMIT_BEFORE_LOG_RECORD, CrashPoint.COMMIT_BEFORE_DATA_COMMIT, CrashPoint.COMMIT_AFTER_DATA_COMMIT,
            CrashPoint.DDL_BEFORE_STATEMENT, CrashPoint.DDL_BEFORE_LOG_RECORD, CrashPoint.DDL_AFTER_LOG_RECORD,
            CrashPointWriterMain.UNSEEN + CrashPoint.DDL_BEFORE_LOG_RECORD,
            CrashPointWriterMain.UNSEEN + CrashPoint.DDL_AFTER_LOG_RECORD})
    void afterAKillAtThisStepNodesAgreeAndNoAcknowledgedTransactionIsLost(String step) throws Exception {
        int acked = killAt(step);
        try (Connection c = reopen(); Statement s = c.createStatement()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            s.execute("SET CONSISTENCY LINEARIZABLE");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM acked WHERE id <= " + acked)) {
                rs.next();
                assertEquals(acked, rs.getInt(1), "acknowledged inserts present after a kill at " + step);
            }
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertNodesAgree(cluster, step);
            // the cluster goes on: a write and a DDL replicate, and the sequence does not go back
            s.executeUpdate("INSERT INTO acked(id, note) VALUES (1000, 'n' || NEXT VALUE FOR ids)");
            s.execute("CREATE INDEX acked_note ON acked(note)");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT note), COUNT(*) FROM acked")) {
                rs.next();
                assertEquals(rs.getInt(2), rs.getInt(1), "sequence values were reused after a kill at " + step);
            }
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            assertNodesAgree(cluster, step + ", then a write");
        } finally {
            ClusterRegistry.shutdown("FILE:" + dir.toAbsolutePath().normalize());
        }
    }

    /** The same kill with the DDL intent ignored on restart: the replicas then lack a DDL the primary ran. */
    @Test
    void withoutTheDdlIntentAKilledDdlLeavesReplicasWithAnotherSchema() throws Exception {
        killAt(CrashPoint.DDL_BEFORE_LOG_RECORD);
        DurableLog.recoversDdlIntent = false;
        try (Connection c = reopen()) {
            Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
            Await.caughtUp(cluster, Duration.ofSeconds(60));
            TreeMap<String, String> primary = NodeChecksum.of(cluster.primary().url());
            for (Replica r : cluster.h2().replicas()) {
                assertNotEquals(primary, NodeChecksum.of(r.node().url()), r.node().name() + " should lack the DDL");
            }
        } finally {
            DurableLog.recoversDdlIntent = true;
            ClusterRegistry.shutdown("FILE:" + dir.toAbsolutePath().normalize());
        }
    }

    /** Runs the writer until it stops at the step, SIGKILLs it there, and returns the last acknowledged insert. */
    private int killAt(String step) throws Exception {
        try (ChildJvm writer = ChildJvm.start(CrashPointWriterMain.class, dir.toString(), step)) {
            writer.awaitLine("CRASHPOINT " + step.replace(CrashPointWriterMain.UNSEEN, ""), Duration.ofSeconds(120));
            writer.kill();
            List<String> lines = writer.drain();
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("NOT STOPPED") || l.equals("ACK DDL")), lines::toString);
        }
        return CrashPointWriterMain.ROWS_BEFORE; // every insert before the armed step was acknowledged
    }

    private Connection reopen() throws Exception {
        return DriverManager.getConnection("jdbc:lattice:file:" + dir + "?replicas=2");
    }

    private static void assertNodesAgree(Cluster cluster, String when) throws Exception {
        NodeChecksum.assertReplicasMatchPrimary(cluster, "after a kill at " + when);
    }
}
