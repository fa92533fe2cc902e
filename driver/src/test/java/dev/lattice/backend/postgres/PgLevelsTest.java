package dev.lattice.backend.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import dev.lattice.testing.ShowReplicas;
import dev.lattice.testing.ShowStats;
import dev.lattice.testing.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every level of SPEC §2 over a PostgreSQL primary and two streaming standbys (SPEC §7), with a
 * standby paused or delayed; each guarantee is shown beside the anomaly a weaker level lets through.
 */
class PgLevelsTest {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static PgCluster pg;
    private static String url;

    @BeforeAll
    static void startCluster() {
        pg = PgCluster.start(2);
        url = pg.latticeUrl() + "&consistencyTimeout=300";
    }

    @AfterAll
    static void stopCluster() {
        try {
            ClusterRegistry.shutdown("POSTGRES:" + pg.primaryUrl());
        } finally {
            pg.close();
        }
    }

    @AfterEach
    void resumeStandbys() throws SQLException {
        try (Connection c = connect("CAUSAL"); Statement s = c.createStatement()) {
            for (String r : new String[] {"replica1", "replica2"}) {
                s.execute("ALTER REPLICA " + r + " RESUME");
                s.execute("ALTER REPLICA " + r + " SET DELAY 0");
            }
        }
    }

    static Connection connect(String level) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY " + level);
        }
        return c;
    }

    /** A new table with one row (id 1, v 0), replayed by both standbys before it is returned. */
    static String table(Connection c) throws SQLException {
        String name = "t" + TABLES.incrementAndGet();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + name + " (id int PRIMARY KEY, v int NOT NULL)");
            s.execute("INSERT INTO " + name + " VALUES (1, 0)");
        }
        pg.awaitReplayed(1, java.time.Duration.ofSeconds(30));
        pg.awaitReplayed(2, java.time.Duration.ofSeconds(30));
        return name;
    }

    static int read(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM " + table + " WHERE id = 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** The row's value on one node, read straight from PostgreSQL (0 the primary, i the i-th standby). */
    static int readOn(int node, String table) throws SQLException {
        try (Connection direct = pg.connect(node)) {
            return read(direct, table);
        }
    }

    static void write(Connection c, String table, int v) throws SQLException {
        try (Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE " + table + " SET v = " + v + " WHERE id = 1"));
        }
    }

    static void admin(String sql) throws SQLException {
        try (Connection c = connect("CAUSAL"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Every node is listed as a possible replica; ALTER REPLICA of the one that is the primary is refused, naming why. */
    @Test
    void alterReplicaOfThePrimaryIsRefused() {
        SQLException e = assertThrows(SQLException.class, () -> admin("ALTER REPLICA \"primary\" PAUSE"));
        assertEquals("55000", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("is the primary now"), e.getMessage());
    }

    @Test
    void readYourWritesHoldsWithAPausedStandbyWhereEventualReadsStale() throws Exception {
        try (Connection ryw = connect("READ_YOUR_WRITES"); Connection eventual = connect("EVENTUAL")) {
            String t = table(ryw);
            admin("ALTER REPLICA replica1 PAUSE");
            write(ryw, t, 1);
            for (int i = 0; i < 10; i++) {
                assertEquals(1, read(ryw, t), "READ_YOUR_WRITES sees its own write");
            }
            write(eventual, t, 2);
            boolean stale = false;
            for (int i = 0; i < 10 && !stale; i++) {
                stale = read(eventual, t) != 2;
            }
            assertTrue(stale, "EVENTUAL reads the paused standby and misses its own write");
        }
    }

    /**
     * A read of the session's fresh write goes to the primary at once only while a standby replays
     * as it should (issue 12): with both paused it waits for one, then falls back, as the timeout says.
     */
    @Test
    void aReadOfAFreshWriteWaitsWhileEveryStandbyIsPaused() throws Exception {
        try (Connection ryw = connect("READ_YOUR_WRITES")) {
            String t = table(ryw);
            admin("ALTER REPLICA replica1 PAUSE");
            admin("ALTER REPLICA replica2 PAUSE");
            Await.until("both standbys to show PAUSED", Duration.ofSeconds(10), () -> pausedStandbys(ryw) == 2);
            long waits = ShowStats.count(ryw, "READ_YOUR_WRITES", "WAITS");
            long fallbacks = ShowStats.count(ryw, "READ_YOUR_WRITES", "FALLBACKS");
            write(ryw, t, 1);
            assertEquals(1, read(ryw, t), "the fallback reads the primary");
            assertEquals(waits + 1, ShowStats.count(ryw, "READ_YOUR_WRITES", "WAITS"),
                    "it waited for a standby rather than read the primary at once");
            assertEquals(fallbacks + 1, ShowStats.count(ryw, "READ_YOUR_WRITES", "FALLBACKS"));
        }
    }

    /**
     * Both standbys replay as they should but are held before the session's write: each has a
     * transaction reading the table, which the replay of an ACCESS EXCLUSIVE lock taken on the
     * primary waits for (a recovery conflict, up to max_standby_streaming_delay). The read of the
     * write then goes to the primary at once instead of waiting (issue 12).
     */
    @Test
    void aReadOfAFreshWriteReadsThePrimaryAtOnceWhileStandbysAreReplaying() throws Exception {
        try (Connection ryw = connect("READ_YOUR_WRITES")) {
            String t = table(ryw);
            List<Connection> holds = new ArrayList<>();
            try {
                for (int standby = 1; standby <= 2; standby++) {
                    Connection hold = pg.connect(standby);
                    holds.add(hold);
                    hold.setAutoCommit(false);
                    try (Statement s = hold.createStatement()) {
                        s.executeQuery("SELECT count(*) FROM " + t).close();
                    }
                }
                try (Connection p = pg.connect(0); Statement s = p.createStatement()) {
                    p.setAutoCommit(false);
                    s.execute("LOCK TABLE " + t + " IN ACCESS EXCLUSIVE MODE");
                    p.commit();
                }
                long waits = ShowStats.count(ryw, "READ_YOUR_WRITES", "WAITS");
                long primaryReads = ShowStats.count(ryw, "READ_YOUR_WRITES", "PRIMARY_READS");
                write(ryw, t, 1);
                assertEquals(1, read(ryw, t), "the read sees the session's write");
                assertEquals(waits, ShowStats.count(ryw, "READ_YOUR_WRITES", "WAITS"), "it did not wait");
                assertEquals(primaryReads + 1, ShowStats.count(ryw, "READ_YOUR_WRITES", "PRIMARY_READS"));
                for (Connection hold : holds) {
                    try (Statement s = hold.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM " + t)) {
                        assertTrue(rs.next());
                        assertEquals(0, rs.getInt(1), "the standby had not replayed the write");
                    }
                }
            } finally {
                for (Connection hold : holds) {
                    hold.rollback();
                    hold.close();
                }
            }
        }
    }

    private static int inSyncSet(Connection c) {
        int in = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
            while (rs.next()) {
                in += Boolean.TRUE.equals(rs.getObject("IN_SYNC_SET")) ? 1 : 0;
            }
        } catch (SQLException e) {
            return -1;
        }
        return in;
    }

    private static int pausedStandbys(Connection c) {
        int paused = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
            while (rs.next()) {
                paused += "PAUSED".equals(rs.getString("STATE")) ? 1 : 0;
            }
        } catch (SQLException e) {
            return -1;
        }
        return paused;
    }

    @Test
    void causalReadsServedByStandbysAndTokensCarryAcrossConnections() throws Exception {
        try (Connection a = connect("CAUSAL"); Connection b = connect("CAUSAL"); Connection c = connect("CAUSAL")) {
            String t = table(a);
            long replicaReadsBefore = ShowStats.count(a, "CAUSAL", "REPLICA_READS");
            for (int i = 0; i < 20; i++) {
                read(a, t);
            }
            assertTrue(ShowStats.count(a, "CAUSAL", "REPLICA_READS") - replicaReadsBefore >= 20, "caught-up standbys serve CAUSAL reads");
            admin("ALTER REPLICA replica1 PAUSE");
            admin("ALTER REPLICA replica2 PAUSE");
            write(a, t, 7);
            String token = a.unwrap(LatticeConnection.class).consistencyToken();
            assertTrue(token.startsWith("lt2:pg-"), token);
            // c has no token: a fresh CAUSAL session may read the paused standbys and miss the write
            assertEquals(0, read(c, t), "without the token, the write is not seen on paused standbys");
            try (Statement s = b.createStatement()) {
                s.execute("SET CONSISTENCY TOKEN '" + token + "'");
            }
            assertEquals(7, read(b, t), "with the token, the write is seen (from the primary, after the timeout)");
        }
    }

    @Test
    void aTokenFromAnotherClusterIsRefused() throws Exception {
        try (Connection c = connect("CAUSAL"); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> s.execute("SET CONSISTENCY TOKEN 'lt2:pg-1234:1:99'"));
            assertEquals("22023", e.getSQLState());
        }
    }

    @Test
    void aHikariPoolWithSharedScopeReadsItsWrites() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + "&sessionScope=shared");
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            String t;
            try (Connection c = pool.getConnection()) {
                t = table(c);
            }
            admin("ALTER REPLICA replica1 PAUSE");
            for (int v = 1; v <= 20; v++) {
                try (Connection w = pool.getConnection()) {
                    write(w, t, v);
                }
                try (Connection r = pool.getConnection()) {
                    assertEquals(v, read(r, t), "a pooled connection reads what another one wrote");
                }
            }
        }
    }

    @Test
    void monotonicReadsNeverGoBackWhereEventualDoes() throws Exception {
        try (Connection w = connect("CAUSAL"); Connection mono = connect("MONOTONIC_READS");
             Connection eventual = connect("EVENTUAL")) {
            String t = table(w);
            admin("ALTER REPLICA replica1 PAUSE");
            write(w, t, 1);
            pg.awaitReplayed(2, java.time.Duration.ofSeconds(30));
            int last = -1;
            for (int i = 0; i < 20; i++) {
                int v = read(mono, t);
                assertTrue(v >= last, "MONOTONIC_READS went back from " + last + " to " + v);
                last = v;
            }
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                seen.add(read(eventual, t));
            }
            assertTrue(seen.contains(0) && seen.contains(1), "EVENTUAL alternates between 0 and 1: " + seen);
        }
    }

    @Test
    void boundedStalenessSkipsADelayedStandbyWhereEventualReadsIt() throws Exception {
        try (Connection w = connect("CAUSAL"); Connection bounded = connect("BOUNDED_STALENESS 100 MS");
             Connection eventual = connect("EVENTUAL")) {
            String t = table(w);
            admin("ALTER REPLICA replica1 SET DELAY 60000");
            // replica1's startup process takes the delay at its next reload, which a write may overtake:
            // write until one is held back there
            int latest = 0;
            do {
                write(w, t, ++latest);
                pg.awaitReplayed(2, java.time.Duration.ofSeconds(30));
            } while (readOn(1, t) == latest && latest < 20);
            int written = latest;
            assertTrue(readOn(1, t) < written, "replica1 holds the write back");
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                int v = read(bounded, t);
                if ((System.nanoTime() - start) / 1_000_000 > 100) {
                    assertEquals(written, v, "a write older than the bound is seen");
                }
            }
            // make sure the bound has passed, then read again
            while ((System.nanoTime() - start) / 1_000_000 <= 150) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(written, read(bounded, t), "a write older than the bound is seen");
            }
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                seen.add(read(eventual, t));
            }
            assertTrue(seen.stream().anyMatch(v -> v < written), "EVENTUAL reads the delayed standby: " + seen);
            assertEquals(60000L, ((Number) ShowReplicas.row(w, "replica1").get("DELAY_MS")).longValue());
        }
    }

    @Test
    void boundedStalenessInVersionsIsRefused() throws Exception {
        try (Connection c = connect("CAUSAL"); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> s.execute("SET CONSISTENCY BOUNDED_STALENESS 5 VERSIONS"));
            assertEquals("0A000", e.getSQLState());
            assertTrue(e.getMessage().contains("WAL"), e.getMessage());
        }
    }

    @Test
    void strongReadsEveryAcknowledgedWriteAndAPausedStandbyLeavesTheSyncSet() throws Exception {
        try (Connection strong = connect("STRONG"); Connection other = connect("STRONG");
             Connection eventual = connect("EVENTUAL")) {
            String t = table(strong);
            admin("ALTER REPLICA replica2 PAUSE");
            for (int v = 1; v <= 5; v++) {
                write(strong, t, v);
                assertEquals(v, read(other, t), "another STRONG session sees every acknowledged write");
            }
            Map<String, Object> paused = ShowReplicas.row(strong, "replica2");
            assertEquals(Boolean.FALSE, paused.get("IN_SYNC_SET"), "the paused standby left the synchronous set");
            assertEquals("PAUSED", paused.get("STATE"));
            Map<String, Object> synced = ShowReplicas.row(strong, "replica1");
            assertEquals(Boolean.TRUE, synced.get("IN_SYNC_SET"));
            assertNotNull(synced.get("APPLIED_WAL"));
            assertEquals(1L, ((Number) synced.get("TIMELINE")).longValue());
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                seen.add(read(eventual, t));
            }
            assertTrue(seen.contains(0), "EVENTUAL reads the paused standby: " + seen);
        }
    }

    /**
     * A write acknowledged at EVENTUAL waited for no standby; a STRONG read after it must still see
     * it, so a standby of the synchronous set that has not replayed it does not serve the read.
     */
    @Test
    void aStrongReadSeesAWriteAcknowledgedAtAWeakerLevelWhereEventualReadsStale() throws Exception {
        try (Connection strong = connect("STRONG"); Connection eventual = connect("EVENTUAL")) {
            String t = table(eventual);
            Await.until("both standbys in the synchronous set", Duration.ofSeconds(10), () -> inSyncSet(strong) == 2);
            admin("ALTER REPLICA replica1 PAUSE");
            admin("ALTER REPLICA replica2 PAUSE");
            Await.until("both standbys to show PAUSED", Duration.ofSeconds(10), () -> pausedStandbys(eventual) == 2);
            write(eventual, t, 1);
            assertEquals(0, read(eventual, t), "EVENTUAL reads a paused standby, which lacks the write");
            try (Statement s = strong.createStatement()) {
                s.execute("SET CONSISTENCY TIMEOUT 100");
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(1, read(strong, t), "STRONG read " + i + " after the write was acknowledged");
            }
        }
    }

    @Test
    void quorumWithWPlusRAboveNSeesEveryAcknowledgedWrite() throws Exception {
        try (Connection q = connect("QUORUM WRITE 1 READ 2"); Connection reader = connect("QUORUM WRITE 1 READ 2")) {
            String t = table(q);
            admin("ALTER REPLICA replica1 PAUSE");
            for (int v = 1; v <= 5; v++) {
                write(q, t, v);
                assertEquals(v, read(reader, t), "w + r > N: the most advanced of r standbys has the write");
            }
        }
        try (Connection q = connect("CAUSAL"); Statement s = q.createStatement()) {
            s.execute("SET CONSISTENCY QUORUM WRITE 1 READ 1");
            assertNotNull(s.getWarnings(), "w + r <= N gives a warning");
        }
    }

    @Test
    void quorumWaitsForWStandbysAndWarnsWhenTheyDoNotApplyInTime() throws Exception {
        try (Connection q = connect("QUORUM WRITE 2 READ 1")) {
            String t = table(q);
            admin("ALTER REPLICA replica1 PAUSE");
            write(q, t, 1);
            SQLWarning w = q.getWarnings();
            assertNotNull(w, "a QUORUM commit short of w warns");
            assertTrue(w.getMessage().contains("durable on the primary"), w.getMessage());
        }
    }

    @Test
    void linearizableSeesWritesOfOtherSessionsWhereCausalWithoutATokenDoesNot() throws Exception {
        try (Connection writer = connect("CAUSAL"); Connection lin = connect("LINEARIZABLE");
             Connection causal = connect("CAUSAL")) {
            String t = table(writer);
            admin("ALTER REPLICA replica1 PAUSE");
            admin("ALTER REPLICA replica2 PAUSE");
            write(writer, t, 3);
            assertEquals(3, read(lin, t), "LINEARIZABLE sees a write acknowledged before the read began");
            assertEquals(0, read(causal, t), "CAUSAL without a token reads a paused standby");
        }
    }

    @Test
    void fallbackErrorFailsWithLt001NamingTheLevel() throws Exception {
        try (Connection c = connect("READ_YOUR_WRITES"); Statement s = c.createStatement()) {
            String t = table(c);
            s.execute("SET CONSISTENCY FALLBACK ERROR");
            admin("ALTER REPLICA replica1 PAUSE");
            admin("ALTER REPLICA replica2 PAUSE");
            write(c, t, 1);
            SQLException e = assertThrows(SQLException.class, () -> read(c, t));
            assertEquals("LT001", e.getSQLState());
            assertTrue(e.getMessage().contains("READ_YOUR_WRITES"), e.getMessage());
            s.execute("SET CONSISTENCY FALLBACK PRIMARY");
            assertEquals(1, read(c, t), "with FALLBACK PRIMARY the primary answers");
        }
    }

    @Test
    void serializablePreventsWriteSkewThatTheDefaultLevelAllows() throws Exception {
        try (Connection setup = connect("CAUSAL")) {
            String t = "oncall" + TABLES.incrementAndGet();
            try (Statement s = setup.createStatement()) {
                s.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, on_call boolean NOT NULL)");
            }
            int[] retried = new int[1];
            assertEquals(2, doctorsLeaving(t, "CAUSAL", retried), "READ COMMITTED: both doctors leave (write skew)");
            assertEquals(0, retried[0]);
            assertEquals(1, doctorsLeaving(t, "SERIALIZABLE", retried), "SERIALIZABLE: one doctor stays");
            assertEquals(1, retried[0], "one transaction failed with 40001 and succeeded when retried");
        }
    }

    /**
     * Two doctors on call; each, in its own transaction, goes off call if the other is still on.
     * Both read before either writes; a transaction that fails with 40001 is retried alone.
     * Returns how many left; counts the retries in {@code retried[0]}.
     */
    private static int doctorsLeaving(String t, String level, int[] retried) throws SQLException {
        retried[0] = 0;
        try (Connection a = connect(level); Connection b = connect(level); Statement setup = a.createStatement()) {
            setup.execute("DELETE FROM " + t);
            setup.execute("INSERT INTO " + t + " VALUES (1, true), (2, true)");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            boolean aLeaves = count(a, t) >= 2;
            boolean bLeaves = count(b, t) >= 2;
            boolean aDone = attempt(a, t, 1, aLeaves);
            boolean bDone = attempt(b, t, 2, bLeaves);
            for (Connection c : aDone && bDone ? new Connection[0] : aDone ? new Connection[] {b} : new Connection[] {a}) {
                retried[0]++;
                int id = c == a ? 1 : 2;
                assertTrue(attempt(c, t, id, count(c, t) >= 2), "the retry succeeds");
            }
            a.setAutoCommit(true);
            b.setAutoCommit(true);
        }
        try (Connection fresh = connect("LINEARIZABLE")) {
            return 2 - count(fresh, t);
        }
    }

    /** Goes off call (if leaving) and commits; false when the transaction failed with 40001 and was rolled back. */
    private static boolean attempt(Connection c, String t, int id, boolean leaving) throws SQLException {
        try {
            if (leaving) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE " + t + " SET on_call = false WHERE id = " + id);
                }
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            assertEquals("40001", e.getSQLState(), e.getMessage());
            c.rollback();
            return false;
        }
    }

    private static int count(Connection c, String t) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t + " WHERE on_call")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aReadOnlyTransactionIsOneSnapshotOnOneStandby() throws Exception {
        try (Connection w = connect("CAUSAL"); Connection ro = connect("EVENTUAL")) {
            String t = table(w);
            long replicaReads = ShowStats.count(ro, "EVENTUAL", "REPLICA_READS");
            ro.setReadOnly(true);
            ro.setAutoCommit(false);
            int first = read(ro, t);
            write(w, t, 42);
            pg.awaitReplayed(1, java.time.Duration.ofSeconds(30));
            pg.awaitReplayed(2, java.time.Duration.ofSeconds(30));
            assertEquals(first, read(ro, t), "the second read of the transaction sees the same snapshot");
            ro.commit();
            ro.setAutoCommit(true);
            ro.setReadOnly(false);
            assertEquals(42, read(ro, t), "after the transaction, the write is visible");
            assertTrue(ShowStats.count(ro, "EVENTUAL", "REPLICA_READS") > replicaReads, "a standby served it");
        }
    }

    @Test
    void showConsistencyAndShowStatsAnswer() throws Exception {
        try (Connection c = connect("CAUSAL"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW CONSISTENCY")) {
            assertTrue(rs.next());
            assertEquals("CAUSAL", rs.getString("LEVEL"));
            assertTrue(rs.getString("TOKEN").startsWith("lt2:pg-"));
            assertEquals("PostgreSQL", c.getMetaData().getDatabaseProductName());
        }
    }
}
