package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.LaggedCluster;
import dev.lattice.testing.LinearizabilityChecker;
import dev.lattice.testing.RegisterHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * STRONG, QUORUM (w + r > N) and LINEARIZABLE: every read observes every write acknowledged before
 * it began, checked on recorded per-key register histories with a Wing–Gong–Lowe search. For
 * STRONG and QUORUM each read is checked with all the writes (their promise covers acknowledged
 * writes); LINEARIZABLE histories must be linearizable whole. At EVENTUAL the same workload fails
 * both checks.
 */
class LinearizableLevelsTest {

    private static final int KEYS = 3;
    private static final int CLIENTS = 4;
    private static final int OPS_PER_CLIENT = 120;

    @Test
    void strongReadsObserveEveryAcknowledgedWrite() throws Exception {
        assertEveryReadObservesAcknowledgedWrites("STRONG");
    }

    @Test
    void defaultQuorumReadsObserveEveryAcknowledgedWrite() throws Exception {
        assertEveryReadObservesAcknowledgedWrites("QUORUM");
    }

    @Test
    void quorumOfOneWriterAndTwoReadersIsNeverStaleWhenReplicasLagDifferently() throws Exception {
        assertEveryReadObservesAcknowledgedWrites("QUORUM WRITE 1 READ 2");
    }

    @Test
    void linearizableIsLinearizable() throws Exception {
        for (RegisterHistory h : record("LINEARIZABLE")) {
            LinearizabilityChecker.Result result = LinearizabilityChecker.check(h);
            assertTrue(result.linearizable(), "LINEARIZABLE: " + result.explanation());
        }
    }

    @Test
    void eventualReadsMissAcknowledgedWritesAndAreNotLinearizable() throws Exception {
        List<RegisterHistory> histories = record("EVENTUAL");
        boolean stale = false;
        boolean nonLinearizable = false;
        for (RegisterHistory h : histories) {
            stale |= !LinearizabilityChecker.checkEachReadWithAllWrites(h).linearizable();
            nonLinearizable |= !LinearizabilityChecker.check(h).linearizable();
        }
        assertTrue(stale, "EVENTUAL with lagging replicas must produce a stale read the checker catches");
        assertTrue(nonLinearizable, "and so a history that is not linearizable");
    }

    @Test
    void quorumWithWritePlusReadAtMostNWarnsThatReadsMayBeStale() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("quorum-warning", 0, 0);
             Connection c = java.sql.DriverManager.getConnection(lc.url()); Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY QUORUM WRITE 1 READ 1");
            SQLWarning warning = s.getWarnings();
            assertNotNull(warning, "w + r <= N gives a warning");
            assertTrue(warning.getMessage().contains("stale"), warning.getMessage());
            s.execute("SET CONSISTENCY QUORUM WRITE 1 READ 2");
            assertNull(s.getWarnings(), "w + r > N gives none");
        }
    }

    private static void assertEveryReadObservesAcknowledgedWrites(String level) throws Exception {
        for (RegisterHistory h : record(level)) {
            LinearizabilityChecker.Result result = LinearizabilityChecker.checkEachReadWithAllWrites(h);
            assertTrue(result.linearizable(), level + ": " + result.explanation());
        }
    }

    /** Clients read and write KEYS registers at the level, with replicas 5 and 40 ms behind. */
    private static List<RegisterHistory> record(String level) throws Exception {
        List<RegisterHistory> histories = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            histories.add(new RegisterHistory(0));
        }
        try (LaggedCluster lc = new LaggedCluster("linearizable", 5, 40)) {
            lc.execute("CREATE TABLE reg(k INT PRIMARY KEY, v BIGINT)",
                    "INSERT INTO reg SELECT X, 0 FROM SYSTEM_RANGE(0, " + (KEYS - 1) + ")");
            SessionGuaranteesTest.runConcurrently(CLIENTS, client -> {
                Random random = new Random(client);
                try (Connection c = lc.connect(level);
                     PreparedStatement write = c.prepareStatement("UPDATE reg SET v = ? WHERE k = ?");
                     PreparedStatement read = c.prepareStatement("SELECT v FROM reg WHERE k = ?")) {
                    for (int i = 1; i <= OPS_PER_CLIENT; i++) {
                        int key = random.nextInt(KEYS);
                        RegisterHistory history = histories.get(key);
                        if (random.nextBoolean()) {
                            long value = client * 1_000_000L + i;
                            write.setLong(1, value);
                            write.setInt(2, key);
                            long invoked = System.nanoTime();
                            write.executeUpdate();
                            history.write(value, invoked, System.nanoTime());
                        } else {
                            read.setInt(1, key);
                            long invoked = System.nanoTime();
                            long value;
                            try (ResultSet rs = read.executeQuery()) {
                                rs.next();
                                value = rs.getLong(1);
                            }
                            history.read(value, invoked, System.nanoTime());
                        }
                    }
                }
            });
        }
        for (RegisterHistory h : histories) {
            assertFalse(h.ops().isEmpty());
        }
        return histories;
    }
}
