package dev.lattice.backend.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.backend.ClusterBackend;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.PgCluster;
import dev.lattice.testing.ShowReplicas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failover done by PostgreSQL's tools under a STRONG write load (SPEC §7): while no primary is
 * reachable writes fail at once with 08006 and reads go on; once a standby is promoted, writes
 * go there and every acknowledged write is on it; the old primary, restarted on its old
 * timeline, is fenced and gets no writes; and a standby or the primary restarted is used again.
 */
class PgFailoverTest {

    private static final int WRITERS = 3;

    @Test
    void promotingTheMostAdvancedStandbyLosesNoAcknowledgedStrongWrite() throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&consistency=STRONG&failureTimeout=1000&consistencyTimeout=200";
            try {
                run(pg, url);
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
        }
    }

    private static void run(PgCluster pg, String url) throws Exception {
        try (Connection setup = DriverManager.getConnection(url); Statement s = setup.createStatement()) {
            s.execute("CREATE TABLE acked (writer int, seq int, PRIMARY KEY (writer, seq))");
        }
        Map<Integer, Set<Integer>> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writeErrors = new AtomicLong();
        AtomicLong wentBack = new AtomicLong();
        // where in the failover a read went back, and what the cluster looked like then (for a diagnosis)
        AtomicInteger phase = new AtomicInteger();
        long[] wentBackByPhase = new long[4];
        AtomicReference<String> firstWentBack = new AtomicReference<>();
        AtomicInteger total = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        List<Throwable> unexpected = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            acked.put(writer, ConcurrentHashMap.newKeySet());
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url)) {
                    int seq = 0;
                    Map<Integer, String> warnings = new HashMap<>(); // seq → the warning its commit came with
                    while (!stop.get()) {
                        seq++;
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("INSERT INTO acked VALUES (" + writer + ", " + seq + ")");
                            if (s.getWarnings() != null) {
                                warnings.put(seq, s.getWarnings().getMessage());
                            }
                            acked.get(writer).add(seq);
                            total.incrementAndGet();
                            // the session reads its own writes back: never fewer than it has acknowledged
                            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM acked WHERE writer = " + writer)) {
                                rs.next();
                                int seen = rs.getInt(1);
                                if (seen < acked.get(writer).size()) {
                                    wentBack.incrementAndGet();
                                    int at = phase.get();
                                    synchronized (wentBackByPhase) {
                                        wentBackByPhase[at]++;
                                    }
                                    if (firstWentBack.get() == null) {
                                        firstWentBack.compareAndSet(null, "writer " + writer + " read " + seen + " of "
                                                + acked.get(writer).size() + " in phase " + at + "; " + replicas(s)
                                                + missing(pg, s, writer, acked.get(writer), warnings));
                                    }
                                }
                            }
                        } catch (SQLException e) {
                            writeErrors.incrementAndGet();
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a back-off between retries
                        }
                    }
                } catch (SQLException e) {
                    synchronized (unexpected) {
                        unexpected.add(e);
                    }
                }
            }, "writer-" + w);
            t.start();
            writers.add(t);
        }
        try {
            Await.until("200 acknowledged writes", Duration.ofSeconds(60), () -> total.get() >= 200);
            pg.kill(0);
            phase.set(1);
            long killed = System.nanoTime();
            // writes fail at once with 08006 while no primary is reachable; reads go on
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Await.until("the router to see the primary gone", Duration.ofSeconds(30), () -> {
                    try {
                        s.executeUpdate("INSERT INTO acked VALUES (99, 1)");
                        return false;
                    } catch (SQLException e) {
                        return "08006".equals(e.getSQLState());
                    }
                });
                System.out.printf("first 08006 %d ms after the kill%n", (System.nanoTime() - killed) / 1_000_000);
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class,
                        () -> s.executeUpdate("INSERT INTO acked VALUES (99, 2)"));
                assertEquals("08006", e.getSQLState());
                assertTrue(e.getMessage().contains("No PostgreSQL primary is reachable"), e.getMessage());
                System.out.printf("a write with no primary failed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                s.execute("SET CONSISTENCY EVENTUAL");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM acked")) {
                    assertTrue(rs.next(), "an EVENTUAL read is served by a standby while no primary is reachable");
                }
            }
            int promoted = mostAdvancedStandby(pg);
            int other = promoted == 1 ? 2 : 1;
            long beforePromote = System.nanoTime();
            pg.promote(promoted);
            phase.set(2);
            pg.follow(other, promoted);
            int ackedAtPromotion = total.get();
            Await.until("writers to resume on the new primary", Duration.ofSeconds(60),
                    () -> total.get() >= ackedAtPromotion + 100);
            System.out.printf("writes resumed %d ms after the promotion%n", (System.nanoTime() - beforePromote) / 1_000_000);

            // the old primary comes back on its old timeline: fenced, no writes
            pg.startNode(0);
            phase.set(3);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Await.until("the restarted old primary to be reported FENCED", Duration.ofSeconds(30),
                        () -> "FENCED".equals(state(s, "primary")));
            }
            int ackedAfterRestart = total.get();
            Await.until("more writes after the old primary came back", Duration.ofSeconds(60),
                    () -> total.get() >= ackedAfterRestart + 100);
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }
        assertTrue(unexpected.isEmpty(), "writers could not connect: " + unexpected);
        assertEquals(0, wentBack.get(), "a session read fewer of its writes than it had acknowledged; by phase"
                + " (0 before the kill, 1 no primary, 2 promoted, 3 old primary back) "
                + java.util.Arrays.toString(wentBackByPhase) + "; first: " + firstWentBack.get());
        assertTrue(writeErrors.get() > 0, "writes failed while no primary was reachable");
        int newPrimary = pg.primary();
        Set<String> onNewPrimary = keys(pg, newPrimary);
        int checked = 0;
        for (Map.Entry<Integer, Set<Integer>> e : acked.entrySet()) {
            for (int seq : e.getValue()) {
                assertTrue(onNewPrimary.contains(e.getKey() + ":" + seq),
                        "acknowledged write " + e.getKey() + ":" + seq + " is on the new primary");
                checked++;
            }
        }
        System.out.printf("%d acknowledged STRONG writes, all on the new primary; %d write errors during the failover%n",
                checked, writeErrors.get());
        // nothing written through Lattice after the old primary's restart reached it
        Set<String> onOldPrimary = keys(pg, 0);
        Set<String> extra = new HashSet<>(onOldPrimary);
        extra.removeAll(onNewPrimary);
        assertTrue(extra.size() <= WRITERS, "the fenced old primary got writes: " + extra.size()
                + " rows it has are not on the new primary (at most one in-flight, unacknowledged write per writer"
                + " may have reached it before it was killed)");
        for (String key : extra) {
            int writer = Integer.parseInt(key.substring(0, key.indexOf(':')));
            int seq = Integer.parseInt(key.substring(key.indexOf(':') + 1));
            assertTrue(!acked.get(writer).contains(seq), "a row only the old primary has was never acknowledged");
        }
    }

    private static int mostAdvancedStandby(PgCluster pg) throws SQLException {
        long best = -1;
        int node = 1;
        for (int i = 1; i <= 2; i++) {
            try (Connection c = pg.connect(i); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
                rs.next();
                long at = WalPosition.parse(rs.getString(1));
                if (at > best) {
                    best = at;
                    node = i;
                }
            }
        }
        return node;
    }

    /** SHOW REPLICAS as one line: name, state, applied_lsn, in_sync_set, timeline of each node. */
    private static String replicas(Statement s) {
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
            while (rs.next()) {
                b.append(rs.getString("NAME")).append(' ').append(rs.getString("STATE")).append(' ')
                        .append(rs.getString("APPLIED_LSN")).append(" sync=").append(rs.getString("IN_SYNC_SET"))
                        .append(" tl=").append(rs.getString("TIMELINE")).append("; ");
            }
        } catch (SQLException e) {
            b.append("SHOW REPLICAS failed: ").append(e.getMessage());
        }
        return b.toString();
    }

    private static String state(Statement s, String name) {
        return ShowReplicas.state(s, name);
    }

    /**
     * For a diagnosis: which acknowledged writes of the writer a read through Lattice missed, the
     * warning each commit came with, and which PostgreSQL nodes have them.
     */
    private static String missing(PgCluster pg, Statement s, int writer, Set<Integer> acked, Map<Integer, String> warnings) {
        StringBuilder b = new StringBuilder(" missing:");
        try {
            Set<Integer> read = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT seq FROM acked WHERE writer = " + writer)) {
                while (rs.next()) {
                    read.add(rs.getInt(1));
                }
            }
            List<Set<String>> onNode = keysOnEachNode(node -> keys(pg, node));
            for (int seq : acked) {
                if (read.contains(seq)) {
                    continue;
                }
                b.append(' ').append(writer).append(':').append(seq).append(" (warning: ").append(warnings.get(seq))
                        .append("; on nodes");
                for (int node = 0; node < 3; node++) {
                    Set<String> keys = onNode.get(node);
                    b.append(' ').append(node).append('=').append(keys == null ? "?" : keys.contains(writer + ":" + seq));
                }
                b.append(')');
            }
        } catch (SQLException e) {
            b.append(" (could not tell: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    /** Reads a table's keys on one PostgreSQL node. */
    @FunctionalInterface
    private interface NodeKeys {
        Set<String> on(int node) throws SQLException;
    }

    /** For a diagnosis: the keys on each of the three nodes (null: down, or not started). */
    private static List<Set<String>> keysOnEachNode(NodeKeys keys) {
        List<Set<String>> onNode = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            try {
                onNode.add(keys.on(node));
            } catch (SQLException | RuntimeException e) {
                onNode.add(null);
            }
        }
        return onNode;
    }

    private static Set<String> keys(PgCluster pg, int node) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = pg.connect(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT writer, seq FROM acked")) {
            while (rs.next()) {
                keys.add(rs.getInt(1) + ":" + rs.getInt(2));
            }
        }
        return keys;
    }

    /**
     * A STRONG or QUORUM commit whose primary dies before any standby has received it is not
     * acknowledged: it fails with 08007 (whether it survives is up to the failover), and the
     * standby promoted next indeed lacks it. At CAUSAL, whose commit returns after the primary's,
     * the same kind of write is acknowledged and then lost: the anomaly the wait is there to prevent.
     */
    @ParameterizedTest
    @ValueSource(strings = {"STRONG", "QUORUM"})
    void aCommitWhosePrimaryDiesBeforeAnyStandbyHasItIsNotAcknowledged(String level) throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&consistency=" + level + "&failureTimeout=3000&consistencyTimeout=3000";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (1)");
                pg.stopStreaming(1);
                pg.stopStreaming(2);
                s.execute("SET CONSISTENCY CAUSAL");
                assertEquals(1, s.executeUpdate("INSERT INTO t VALUES (2)"), "CAUSAL waits for no standby");
                s.execute("SET CONSISTENCY " + level);
                CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return s.executeUpdate("INSERT INTO t VALUES (3)");
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                });
                try (Connection direct = pg.connect(0); Statement d = direct.createStatement()) {
                    Await.until("the " + level + " insert to be committed on the primary", Duration.ofSeconds(30),
                            () -> keys(d, "t").contains("3") || waiting.isDone());
                }
                assertTrue(!waiting.isDone(), "the " + level + " commit waits for the standbys, which receive nothing");
                pg.kill(0);
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> waiting.get(60, TimeUnit.SECONDS));
                SQLException e = (SQLException) failed.getCause();
                assertEquals("08007", e.getSQLState(), e.getMessage());
                assertTrue(e.getMessage().contains("primary"), e.getMessage());
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
            pg.promote(1);
            try (Connection promoted = pg.connect(1); Statement d = promoted.createStatement()) {
                assertEquals(Set.of("1"), keys(d, "t"), "the promoted standby has the write acknowledged at "
                        + level + " before streaming stopped, and neither the one acknowledged at CAUSAL nor the "
                        + "failed one");
            }
        }
    }

    /**
     * A STRONG (or QUORUM WRITE 1) commit waits for standbys that never received it; meanwhile the
     * primary dies, one standby is promoted, and the other follows it onto the new timeline, whose
     * positions soon pass the commit's. The commit is not in that history: it fails with 08007
     * rather than being acknowledged because a position of another timeline went past it. (Without
     * the check it was acknowledged, and the promoted node lacks it.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"STRONG", "QUORUM WRITE 1"})
    void aCommitPastTheForkIsNotAcknowledgedByAStandbyOnTheNewTimeline(String level) throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&failureTimeout=60000&consistencyTimeout=60000";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (1)");
                pg.awaitReplayed(1, Duration.ofSeconds(30));
                pg.awaitReplayed(2, Duration.ofSeconds(30));
                s.execute("SET CONSISTENCY " + level);
                pg.stopStreaming(1);
                pg.stopStreaming(2);
                CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return s.executeUpdate("INSERT INTO t VALUES (2)");
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                });
                try (Connection direct = pg.connect(0); Statement d = direct.createStatement()) {
                    Await.until("the insert to be committed on the primary", Duration.ofSeconds(30),
                            () -> keys(d, "t").contains("2") || waiting.isDone());
                }
                assertTrue(!waiting.isDone(), "the " + level + " commit waits for the standbys, which receive nothing");
                pg.kill(0);
                pg.promote(1);
                pg.follow(2, 1);
                try (Connection promoted = pg.connect(1); Statement d = promoted.createStatement()) {
                    // WAL on the new timeline, past the lost commit's position
                    d.execute("CREATE TABLE pad (v text)");
                    d.execute("INSERT INTO pad SELECT repeat('x', 100) FROM generate_series(1, 100000)");
                }
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> waiting.get(60, TimeUnit.SECONDS), "a commit the new timeline lacks was acknowledged");
                SQLException e = (SQLException) failed.getCause();
                assertEquals("08007", e.getSQLState(), e.getMessage());
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
            for (int node = 1; node <= 2; node++) {
                try (Connection n = pg.connect(node); Statement d = n.createStatement()) {
                    assertEquals(Set.of("1"), keys(d, "t"), "node " + node + " lacks the failed commit");
                }
            }
        }
    }

    /**
     * A standby that stops answering (frozen: its sockets open, nothing answered) is reported
     * UNREACHABLE within the poll timeout, and reads go on elsewhere; thawed, it is ONLINE again.
     * Without a bound on the poll, its poller waited for the answer for ever and Lattice went on
     * seeing the standby ONLINE, sending reads there to hang.
     */
    @Test
    void aStandbyThatStopsAnsweringIsUnreachableUntilItAnswersAgain() throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&consistency=EVENTUAL";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (1)");
                pg.freeze(2);
                try {
                    Await.until("the frozen standby to be reported UNREACHABLE", Duration.ofSeconds(30),
                            () -> "UNREACHABLE".equals(state(s, "replica2")));
                    for (int i = 0; i < 20; i++) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                            rs.next();
                            assertEquals(1, rs.getInt(1), "an EVENTUAL read served elsewhere");
                        }
                    }
                } finally {
                    pg.thaw(2);
                }
                Await.until("the thawed standby to be ONLINE again", Duration.ofSeconds(30),
                        () -> "ONLINE".equals(state(s, "replica2")));
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
        }
    }

    /**
     * After a failover the old primary, rebuilt as a standby of the promoted node, is routed to like
     * any standby: SHOW REPLICAS has it ONLINE as a replica, and QUORUM's default (w = r = 2 of the
     * two standbys besides the primary) is met again, a commit without a warning and a read from
     * replicas. Only configured replicas were routed before: the rebuilt node sat NOT_ROUTED, the
     * promoted node still counted as one of N, and every QUORUM commit waited out its timeout.
     */
    @Test
    void theOldPrimaryRebuiltAsAStandbyServesReadsAndQuorumsAgain() throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&consistencyTimeout=5000&failureTimeout=5000";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (1)"); // at the default level: the standbys get it after the commit
                pg.awaitReplayed(1, Duration.ofSeconds(30));
                pg.awaitReplayed(2, Duration.ofSeconds(30));
                pg.kill(0);
                pg.promote(1);
                pg.follow(2, 1);
                pg.rejoinAsStandby(0, 1);
                Await.until("the old primary to serve as a standby", Duration.ofSeconds(30),
                        () -> "ONLINE".equals(state(s, "primary")) && "ONLINE".equals(state(s, "replica2")));
                s.execute("SET CONSISTENCY QUORUM");
                assertEquals(1, s.executeUpdate("INSERT INTO t VALUES (2)"));
                assertNull(s.getWarnings(), "the write quorum of two standbys was met");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    int seen = rs.getInt(1);
                    if (seen != 2) {
                        fail("a QUORUM read after the QUORUM write saw " + seen + " rows; " + replicas(s)
                                + " keys on nodes 0, 1, 2: " + keysOnEachNode(node -> {
                                    try (Connection n = pg.connect(node); Statement d = n.createStatement()) {
                                        return keys(d, "t");
                                    }
                                }));
                    }
                }
                assertNull(s.getWarnings(), "the read quorum of two standbys was met");
                try (Connection rejoined = pg.connect(0); Statement d = rejoined.createStatement()) {
                    assertEquals(Set.of("1", "2"), keys(d, "t"), "the rebuilt old primary has the QUORUM write");
                }
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
        }
    }

    /**
     * A split brain: the session's transaction is on the primary when a standby is promoted beside
     * it, and Lattice follows the promoted one before the COMMIT. The old primary, still running,
     * takes the commit, which no standby receives: it is durable nowhere the cluster now lives, and
     * fails with 08007 instead of being acknowledged with "durable on the primary".
     */
    @Test
    void aCommitTakenByAPrimaryReplacedMeanwhileIsNotAcknowledged() throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&consistency=STRONG&failureTimeout=500&consistencyTimeout=500";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                ClusterBackend backend = c.unwrap(LatticeConnection.class).cluster().backend();
                s.execute("CREATE TABLE t (id int PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (1)");
                c.setAutoCommit(false);
                s.execute("INSERT INTO t VALUES (2)");
                pg.stopStreaming(1);
                pg.stopStreaming(2);
                long epoch = backend.epoch();
                pg.promote(1);
                Await.until("Lattice to follow the promoted standby", Duration.ofSeconds(30),
                        () -> backend.epoch() > epoch);
                SQLException e = assertThrows(SQLException.class, c::commit);
                assertEquals("08007", e.getSQLState(), e.getMessage());
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
            try (Connection old = pg.connect(0); Statement d = old.createStatement()) {
                assertEquals(Set.of("1", "2"), keys(d, "t"), "the old primary took the commit");
            }
            try (Connection promoted = pg.connect(1); Statement d = promoted.createStatement()) {
                assertEquals(Set.of("1"), keys(d, "t"), "the promoted standby lacks it");
            }
        }
    }

    private static Set<String> keys(Statement s, String table) {
        Set<String> keys = new HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    @Test
    void aStandbyAndThePrimaryRestartedAreUsedAgain() throws Exception {
        try (PgCluster pg = PgCluster.start(2)) {
            String url = pg.latticeUrl() + "&consistencyTimeout=2000";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE r (id int PRIMARY KEY)");
                s.execute("INSERT INTO r VALUES (1)");
                pg.kill(1);
                Await.until("replica1 to be reported UNREACHABLE", Duration.ofSeconds(30),
                        () -> "UNREACHABLE".equals(state(s, "replica1")));
                s.execute("INSERT INTO r VALUES (2)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM r")) {
                    rs.next();
                    assertEquals(2, rs.getInt(1), "CAUSAL reads its writes with one standby down");
                }
                pg.startNode(1);
                Await.until("replica1 to be ONLINE again", Duration.ofSeconds(60),
                        () -> "ONLINE".equals(state(s, "replica1")));
                pg.restart(0);
                Await.until("writes to go through again after the primary's restart", Duration.ofSeconds(60), () -> {
                    try {
                        s.execute("INSERT INTO r VALUES (3)");
                        return true;
                    } catch (SQLException e) {
                        return false;
                    }
                });
                s.execute("SET CONSISTENCY STRONG");
                s.execute("INSERT INTO r VALUES (4)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM r")) {
                    rs.next();
                    assertEquals(4, rs.getInt(1));
                }
                assertTrue(c.unwrap(LatticeConnection.class).consistencyToken().contains(":1:"), "still timeline 1");
            } finally {
                ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
            }
        }
    }

    @Test
    void aWrongPasswordOrAnUnreachableNodeAtStartIsAnErrorNamingTheNode() throws Exception {
        try (PgCluster pg = PgCluster.start(1)) {
            String wrong = pg.latticeUrl().replace("password=lattice", "password=wrong");
            SQLException e = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(wrong));
            assertTrue(e.getMessage().contains("primary"), e.getMessage());
            assertEquals("28P01", e.getSQLState(), e.getMessage());
            pg.stop(1);
            SQLException down = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pg.latticeUrl()));
            assertTrue(down.getMessage().contains("replica1"), down.getMessage());
            assertTrue(down.getSQLState().startsWith("08"), down.getSQLState());
        }
    }
}
