package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The session guarantees of SPEC §2 under injected replica lag (a different delay on each
 * replica) and concurrent sessions: each holds at its level, and the same scenario at a level
 * without the guarantee shows the anomaly, so each test is known to detect what it guards.
 */
class SessionGuaranteesTest {

    private static final int SESSIONS = 4;

    @Test
    void readYourWritesHoldsUnderReplicaLag() throws Exception {
        assertEquals(0, staleOwnReads("READ_YOUR_WRITES", 300));
    }

    @Test
    void causalAlsoReadsYourWrites() throws Exception {
        assertEquals(0, staleOwnReads("CAUSAL", 200));
    }

    @Test
    void eventualMissesYourOwnWritesUnderLag() throws Exception {
        assertTrue(staleOwnReads("EVENTUAL", 200) > 0, "EVENTUAL reads a replica that has not applied the write");
    }

    /** Each session writes its own key and reads it straight back; counts reads that miss the write. */
    private static int staleOwnReads(String level, int rounds) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("ryw", 5, 15)) {
            lc.execute("CREATE TABLE kv(k INT PRIMARY KEY, v INT)",
                    "INSERT INTO kv SELECT X, 0 FROM SYSTEM_RANGE(0, " + (SESSIONS - 1) + ")");
            AtomicInteger stale = new AtomicInteger();
            runConcurrently(SESSIONS, session -> {
                try (Connection c = lc.connect(level);
                     PreparedStatement write = c.prepareStatement("UPDATE kv SET v = ? WHERE k = ?");
                     PreparedStatement read = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
                    for (int i = 1; i <= rounds; i++) {
                        write.setInt(1, i);
                        write.setInt(2, session);
                        write.executeUpdate();
                        read.setInt(1, session);
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                            if (rs.getInt(1) != i) {
                                stale.incrementAndGet();
                            }
                        }
                    }
                }
            });
            return stale.get();
        }
    }

    @Test
    void monotonicReadsNeverGoBackEvenWhenTheStickyReplicaIsPaused() throws Exception {
        assertEquals(0, readsGoingBack("MONOTONIC_READS", true));
    }

    @Test
    void eventualReadsGoBackInTimeAcrossReplicas() throws Exception {
        assertTrue(readsGoingBack("EVENTUAL", false) > 0, "EVENTUAL alternates replicas that lag differently");
    }

    /** A writer counts up; readers read the counter over and over; counts reads lower than an earlier one. */
    private static int readsGoingBack(String level, boolean pauseSticky) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("monotonic", 0, 60)) {
            lc.execute("CREATE TABLE counter(id INT PRIMARY KEY, n INT)", "INSERT INTO counter VALUES (1, 0)");
            AtomicInteger back = new AtomicInteger();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger readsDone = new AtomicInteger();
            runConcurrently(SESSIONS, session -> {
                if (session == 0) {
                    try (Connection c = lc.connect("EVENTUAL");
                         PreparedStatement inc = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
                        while (writing.get()) {
                            inc.executeUpdate();
                        }
                    }
                    return;
                }
                try (Connection c = lc.connect(level);
                     PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = 1")) {
                    int last = -1;
                    for (int i = 0; i < 600; i++) {
                        if (pauseSticky && session == 1 && i == 300) {
                            pause(c, lc);
                        }
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                            int n = rs.getInt(1);
                            if (n < last) {
                                back.incrementAndGet();
                            }
                            last = Math.max(last, n);
                        }
                    }
                } finally {
                    if (readsDone.incrementAndGet() == SESSIONS - 1) {
                        writing.set(false);
                    }
                }
            });
            return back.get();
        }
    }

    private static void pause(Connection c, LaggedCluster lc) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CONSISTENCY")) {
            rs.next();
            String sticky = rs.getString("STICKY_REPLICA");
            assertTrue(sticky != null, "MONOTONIC_READS has a sticky replica after reading");
            lc.alter("ALTER REPLICA " + sticky + " PAUSE");
        }
    }

    @Test
    void whoeverSeesTheReplySeesThePostAcrossThreeSessionsPassingTokens() throws Exception {
        assertEquals(0, replyWithoutPost("CAUSAL"));
    }

    @Test
    void eventualShowsAReplyWithoutItsPost() throws Exception {
        assertTrue(replyWithoutPost("EVENTUAL") > 0, "at EVENTUAL a reader can see the reply and miss the post");
    }

    /** A posts, B (adopting A's token) replies, C (adopting B's token) reads the reply, then the post. */
    private static int replyWithoutPost(String level) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("causal", 0, 40)) {
            lc.execute("CREATE TABLE post(id INT PRIMARY KEY, body VARCHAR(50))",
                    "CREATE TABLE reply(id INT PRIMARY KEY, post_id INT, body VARCHAR(50))");
            int anomalies = 0;
            try (Connection a = lc.connect(level); Connection b = lc.connect(level); Connection c = lc.connect(level);
                 Statement sa = a.createStatement(); Statement sb = b.createStatement(); Statement sc = c.createStatement()) {
                for (int i = 1; i <= 150; i++) {
                    sa.executeUpdate("INSERT INTO post VALUES (" + i + ", 'post')");
                    sb.execute("SET CONSISTENCY TOKEN '" + a.unwrap(LatticeConnection.class).consistencyToken() + "'");
                    sb.executeUpdate("INSERT INTO reply VALUES (" + i + ", " + i + ", 'reply')");
                    sc.execute("SET CONSISTENCY TOKEN '" + b.unwrap(LatticeConnection.class).consistencyToken() + "'");
                    boolean sawReply = exists(sc, "SELECT 1 FROM reply WHERE id = " + i);
                    boolean sawPost = exists(sc, "SELECT 1 FROM post WHERE id = " + i);
                    if (sawReply && !sawPost) {
                        anomalies++;
                    }
                }
            }
            return anomalies;
        }
    }

    @Test
    void consistentPrefixReadOnlyTransactionsNeverShowAReplyWithoutItsPost() throws Exception {
        assertEquals(0, prefixViolations("CONSISTENT_PREFIX", true));
    }

    @Test
    void eventualAutocommitReadsCanShowAReplyWithoutItsPost() throws Exception {
        assertTrue(prefixViolations("EVENTUAL", false) > 0, "two autocommit reads may hit replicas at different points");
    }

    /** A writer posts then replies; readers read all posts, then all replies, and count replies whose post they did not see. */
    private static int prefixViolations(String level, boolean readOnlyTransaction) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("prefix", 50, 3)) {
            lc.execute("CREATE TABLE post(id INT PRIMARY KEY)", "CREATE TABLE reply(id INT PRIMARY KEY, post_id INT)");
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger violations = new AtomicInteger();
            AtomicInteger readersDone = new AtomicInteger();
            AtomicInteger written = new AtomicInteger();
            runConcurrently(3, session -> {
                if (session == 0) {
                    try (Connection c = lc.connect("EVENTUAL"); Statement s = c.createStatement()) {
                        for (int i = 1; writing.get(); i++) {
                            s.executeUpdate("INSERT INTO post VALUES (" + i + ")");
                            s.executeUpdate("INSERT INTO reply VALUES (" + i + ", " + i + ")");
                            written.set(i);
                        }
                    }
                    return;
                }
                dev.lattice.testing.Await.until("the writer to get going", java.time.Duration.ofSeconds(10),
                        () -> written.get() >= 100);
                // The guarantee is checked over a fixed number of rounds; the anomaly is looked for
                // until it shows or a deadline passes, since how often it shows depends on scheduling.
                long deadline = System.nanoTime() + 10_000_000_000L;
                try (Connection c = lc.connect(level); Statement s = c.createStatement()) {
                    for (int round = 0; readOnlyTransaction ? round < 150
                            : violations.get() == 0 && System.nanoTime() < deadline; round++) {
                        if (readOnlyTransaction) {
                            s.execute("BEGIN READ ONLY");
                        }
                        Set<Integer> posts = ids(s, "SELECT id FROM post");
                        Set<Integer> replyPosts = ids(s, "SELECT post_id FROM reply");
                        if (readOnlyTransaction) {
                            s.execute("COMMIT");
                        }
                        replyPosts.removeAll(posts);
                        violations.addAndGet(replyPosts.isEmpty() ? 0 : 1);
                    }
                } finally {
                    if (readersDone.incrementAndGet() == 2) {
                        writing.set(false);
                    }
                }
            });
            return violations.get();
        }
    }

    @Test
    void boundedStalenessObservesEveryTransactionOlderThanTheBound() throws Exception {
        assertEquals(0, boundViolations("BOUNDED_STALENESS 100 MS"));
    }

    @Test
    void eventualMissesTransactionsOlderThanTheBound() throws Exception {
        assertTrue(boundViolations("EVENTUAL") > 0, "EVENTUAL reads a replica 300 ms behind");
    }

    @Test
    void boundedStalenessInVersionsReadsNoReplicaMoreThanThatManyTransactionsBehind() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("versions", 0, 0)) {
            lc.execute("CREATE TABLE reg(id INT PRIMARY KEY, v INT)", "INSERT INTO reg VALUES (1, 0)");
            lc.alter("ALTER REPLICA replica2 PAUSE");
            try (Connection writer = lc.connect("EVENTUAL"); Connection bounded = lc.connect("BOUNDED_STALENESS 2 VERSIONS");
                 Connection eventual = lc.connect("EVENTUAL"); Statement w = writer.createStatement()) {
                int staleBounded = 0;
                int staleEventual = 0;
                for (int v = 1; v <= 20; v++) {
                    w.executeUpdate("UPDATE reg SET v = " + v + " WHERE id = 1");
                    dev.lattice.testing.Await.caughtUp(lc.cluster(), java.time.Duration.ofSeconds(10), "replica1");
                    staleBounded += readValue(bounded) < v - 2 ? 1 : 0;
                    staleEventual += readValue(eventual) < v - 2 ? 1 : 0;
                }
                assertEquals(0, staleBounded, "never more than 2 versions behind");
                assertTrue(staleEventual > 0, "EVENTUAL reads the paused replica too");
            }
            lc.alter("ALTER REPLICA replica2 RESUME");
        }
    }

    @Test
    void boundedStalenessOfTheLongestBoundReadsACaughtUpReplica() throws Exception {
        try (LaggedCluster lc = new LaggedCluster("longest-bound", 0, 0)) {
            lc.execute("CREATE TABLE reg(id INT PRIMARY KEY, v INT)", "INSERT INTO reg VALUES (1, 7)");
            // The bound in milliseconds is past a long: it must mean "any lag", not a negative bound no replica meets.
            try (Connection c = lc.connect("BOUNDED_STALENESS " + Long.MAX_VALUE + " SECONDS");
                 Statement s = c.createStatement()) {
                s.execute("SET CONSISTENCY FALLBACK ERROR");
                s.execute("SET CONSISTENCY TIMEOUT 0");
                assertEquals(7, readValue(c));
            }
        }
    }

    private static int readValue(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM reg WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A writer records when each value's commit returned; a read must see every value committed more than 100 ms before it began. */
    private static int boundViolations(String level) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("bounded", 20, 300)) {
            lc.execute("CREATE TABLE reg(id INT PRIMARY KEY, v INT)", "INSERT INTO reg VALUES (1, 0)");
            long[] committedAt = new long[100_000];
            AtomicInteger lastCommitted = new AtomicInteger();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger violations = new AtomicInteger();
            runConcurrently(2, session -> {
                if (session == 0) {
                    try (Connection c = lc.connect("EVENTUAL");
                         PreparedStatement write = c.prepareStatement("UPDATE reg SET v = ? WHERE id = 1")) {
                        for (int v = 1; writing.get() && v < committedAt.length; v++) {
                            write.setInt(1, v);
                            write.executeUpdate();
                            committedAt[v] = System.nanoTime();
                            lastCommitted.set(v);
                            Thread.sleep(1);
                        }
                    }
                    return;
                }
                try (Connection c = lc.connect(level);
                     PreparedStatement read = c.prepareStatement("SELECT v FROM reg WHERE id = 1")) {
                    for (int i = 0; i < 400; i++) {
                        long start = System.nanoTime();
                        int mustSee = 0;
                        for (int v = lastCommitted.get(); v > 0; v--) {
                            if (committedAt[v] != 0 && start - committedAt[v] > 100_000_000L) {
                                mustSee = v;
                                break;
                            }
                        }
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                            if (rs.getInt(1) < mustSee) {
                                violations.incrementAndGet();
                            }
                        }
                        Thread.sleep(2);
                    }
                } finally {
                    writing.set(false);
                }
            });
            return violations.get();
        }
    }

    @Test
    void sharedSessionScopeCarriesWritesAcrossPooledConnections() throws Exception {
        assertEquals(0, staleReadsOnAnotherConnection("&sessionScope=shared"));
        assertTrue(staleReadsOnAnotherConnection("") > 0, "per-connection scope does not see the other connection's writes");
    }

    private static int staleReadsOnAnotherConnection(String scope) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("scope", 10, 30)) {
            lc.execute("CREATE TABLE kv(k INT PRIMARY KEY, v INT)", "INSERT INTO kv VALUES (1, 0)");
            int stale = 0;
            try (Connection writer = java.sql.DriverManager.getConnection(lc.url() + scope + "&consistency=READ_YOUR_WRITES");
                 Connection reader = java.sql.DriverManager.getConnection(lc.url() + scope + "&consistency=READ_YOUR_WRITES");
                 PreparedStatement write = writer.prepareStatement("UPDATE kv SET v = ? WHERE k = 1");
                 PreparedStatement read = reader.prepareStatement("SELECT v FROM kv WHERE k = 1")) {
                for (int i = 1; i <= 100; i++) {
                    write.setInt(1, i);
                    write.executeUpdate();
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) != i) {
                            stale++;
                        }
                    }
                }
            }
            return stale;
        }
    }

    private static boolean exists(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }

    private static Set<Integer> ids(Statement s, String sql) throws SQLException {
        Set<Integer> out = new HashSet<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    /** A session's work. */
    interface SessionWork {
        void run(int session) throws Exception;
    }

    static void runConcurrently(int sessions, SessionWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                futures.add(pool.submit(() -> {
                    work.run(session);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
