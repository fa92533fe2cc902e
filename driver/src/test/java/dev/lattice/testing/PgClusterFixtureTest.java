package dev.lattice.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL cluster fixture does what the PostgreSQL tests rely on: streaming, read-only standbys, failover. */
class PgClusterFixtureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static PgCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PgCluster.start(2);
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rowsWrittenOnThePrimaryAppearOnEveryStandby() throws SQLException {
        execute(0, "CREATE TABLE streamed (id int PRIMARY KEY, v text)",
                "INSERT INTO streamed VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        for (int standby = 1; standby <= 2; standby++) {
            cluster.awaitReplayed(standby, TIMEOUT);
            assertEquals("3", query(standby, "SELECT count(*) FROM streamed"), "rows on standby " + standby);
        }
    }

    @Test
    void standbysAreInRecoveryAndRefuseWrites() throws SQLException {
        execute(0, "CREATE TABLE refused (id int)");
        cluster.awaitReplayed(1, TIMEOUT);
        assertEquals("f", query(0, "SELECT pg_is_in_recovery()"));
        assertEquals("t", query(1, "SELECT pg_is_in_recovery()"));
        assertEquals("t", query(2, "SELECT pg_is_in_recovery()"));
        SQLException e = assertThrows(SQLException.class, () -> execute(1, "INSERT INTO refused VALUES (1)"));
        assertEquals("25006", e.getSQLState(), e.getMessage());
    }

    @Test
    void aWrongPasswordIsRefused() {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(cluster.primaryUrl(), PgCluster.USER, "wrong").close());
        assertEquals("28P01", e.getSQLState(), e.getMessage());
    }

    @Test
    void latticeUrlNamesThePrimaryAndEveryStandby() {
        String url = cluster.latticeUrl();
        assertTrue(url.startsWith("jdbc:lattice:nodes?primary="), url);
        String decoded = URLDecoder.decode(url, StandardCharsets.UTF_8);
        assertEquals("jdbc:lattice:nodes?primary=" + cluster.primaryUrl() + "&replica=" + cluster.standbyUrl(1)
                + "&replica=" + cluster.standbyUrl(2) + "&user=lattice&password=lattice", decoded);
        assertFalse(url.contains("//127"), "node URLs are encoded: " + url);
    }

    @Test
    void pausedReplayHoldsBackARowUntilResumed() throws SQLException {
        execute(0, "CREATE TABLE paused (id int)");
        cluster.awaitReplayed(1, TIMEOUT);
        execute(1, "SELECT pg_wal_replay_pause()");
        Await.until("replay on standby 1 to pause", TIMEOUT,
                () -> "paused".equals(queryUnchecked(1, "SELECT pg_get_wal_replay_pause_state()")));
        execute(0, "INSERT INTO paused VALUES (1)");
        String written = query(0, "SELECT pg_current_wal_lsn()");
        try {
            Await.until("standby 1 to receive " + written, TIMEOUT,
                    () -> "t".equals(queryUnchecked(1, "SELECT pg_last_wal_receive_lsn() >= '" + written + "'")));
            assertEquals("0", query(1, "SELECT count(*) FROM paused"), "received but not replayed");
        } finally {
            execute(1, "SELECT pg_wal_replay_resume()");
        }
        cluster.awaitReplayed(1, TIMEOUT);
        assertEquals("1", query(1, "SELECT count(*) FROM paused"));
    }

    @Test
    void aStoppedStandbyCatchesUpAfterStart() throws SQLException {
        execute(0, "CREATE TABLE missed (id int)");
        cluster.stop(2);
        assertThrows(SQLException.class, () -> cluster.connect(2).close(), "standby 2 is stopped");
        execute(0, "INSERT INTO missed SELECT generate_series(1, 100)");
        cluster.startNode(2);
        cluster.awaitReplayed(2, TIMEOUT);
        assertEquals("100", query(2, "SELECT count(*) FROM missed"));
    }

    @Test
    void aKilledPrimaryKeepsItsCommitsAndStandbysReconnect() throws SQLException {
        execute(0, "CREATE TABLE crashed (id int)", "INSERT INTO crashed VALUES (1)");
        cluster.kill(0);
        assertThrows(SQLException.class, () -> cluster.connect(0).close(), "the primary is down");
        cluster.startNode(0);
        assertEquals("1", query(0, "SELECT count(*) FROM crashed"), "a committed row survives the crash");
        execute(0, "INSERT INTO crashed VALUES (2)");
        cluster.awaitReplayed(1, TIMEOUT);
        assertEquals("2", query(1, "SELECT count(*) FROM crashed"));
    }

    @Test
    void aPromotedStandbyTakesWritesOnTimeline2AndTheOtherStandbyFollowsIt() throws SQLException {
        try (PgCluster failover = PgCluster.start(2)) {
            execute(failover, 0, "CREATE TABLE moved (id int)", "INSERT INTO moved VALUES (1)");
            failover.awaitReplayed(1, TIMEOUT);
            failover.awaitReplayed(2, TIMEOUT);
            assertEquals("00000001", query(failover, 0, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"));

            failover.stop(0);
            failover.promote(1);
            assertEquals(1, failover.primary());
            assertEquals("f", query(failover, 1, "SELECT pg_is_in_recovery()"));
            assertEquals("00000002", query(failover, 1, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"));
            execute(failover, 1, "INSERT INTO moved VALUES (2)");

            failover.follow(2, 1);
            failover.awaitReplayed(2, TIMEOUT);
            assertEquals("2", query(failover, 2, "SELECT count(*) FROM moved"));
            assertEquals("2", query(failover, 2, "SELECT received_tli FROM pg_stat_wal_receiver"));
        }
    }

    private static void execute(int node, String... statements) throws SQLException {
        execute(cluster, node, statements);
    }

    private static void execute(PgCluster on, int node, String... statements) throws SQLException {
        try (Connection c = on.connect(node); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String query(int node, String sql) throws SQLException {
        return query(cluster, node, sql);
    }

    private static String query(PgCluster on, int node, String sql) throws SQLException {
        try (Connection c = on.connect(node); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "a row from " + sql);
            return rs.getString(1);
        }
    }

    private static String queryUnchecked(int node, String sql) {
        try {
            return query(node, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
