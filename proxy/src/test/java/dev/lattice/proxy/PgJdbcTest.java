package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.Await;
import dev.lattice.testing.NodeSessions;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

/** pgjdbc through the proxy: both query protocols, the common types in both formats, transactions, errors, levels. */
class PgJdbcTest {

    /** Every OID of the types under test that pgjdbc decodes in binary (it reads text types as text only). */
    private static final String ALL_BINARY = "16,17,20,21,23,700,701,1082,1083,1114,1184,1700,2950";

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("pgjdbc");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @ParameterizedTest(name = "prepareThreshold={0}")
    @ValueSource(ints = {0, 1, 5})
    void extendedProtocolRunsParameterizedStatementsAtEveryPrepareThreshold(int threshold) throws Exception {
        String table = "ext" + threshold;
        try (Connection c = proxy.connect(RunningProxy.props("prepareThreshold", String.valueOf(threshold)))) {
            try (Statement s = c.createStatement()) {
                s.execute("create table " + table + " (id int primary key, name varchar(20))");
            }
            try (PreparedStatement insert = c.prepareStatement("insert into " + table + " values (?, ?)")) {
                for (int i = 1; i <= 8; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "n" + i);
                    assertEquals(1, insert.executeUpdate());
                }
            }
            try (PreparedStatement select = c.prepareStatement("select name from " + table + " where id = ?")) {
                for (int i = 1; i <= 8; i++) {
                    select.setInt(1, i);
                    try (ResultSet rs = select.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals("n" + i, rs.getString(1));
                        assertFalse(rs.next());
                    }
                }
            }
        }
    }

    @Test
    void simpleProtocolRunsSeveralStatementsInOneString() throws Exception {
        try (Connection c = proxy.connect(RunningProxy.props("preferQueryMode", "simple"));
             Statement s = c.createStatement()) {
            s.execute("create table simple1 (id int primary key, name varchar(20)); "
                    + "insert into simple1 values (1, 'a;b'); insert into simple1 values (2, 'c')");
            try (ResultSet rs = s.executeQuery("select name from simple1 order by id")) {
                assertTrue(rs.next());
                assertEquals("a;b", rs.getString(1));
                assertTrue(rs.next());
                assertEquals("c", rs.getString(1));
            }
            try (PreparedStatement ps = c.prepareStatement("select count(*) from simple1 where id >= ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2, rs.getInt(1));
                }
            }
        }
    }

    @Test
    void severalStatementsInOneSimpleQueryAreOneTransaction() throws Exception {
        try (Connection c = proxy.connect(RunningProxy.props("preferQueryMode", "simple"));
             Statement s = c.createStatement()) {
            s.execute("create table implicit1 (id int primary key)");
            SQLException e = assertThrows(SQLException.class,
                    () -> s.execute("insert into implicit1 values (1); insert into implicit1 values (2); "
                            + "insert into implicit1 values (1)"));
            assertEquals("23505", e.getSQLState());
            try (ResultSet rs = s.executeQuery("select count(*) from implicit1")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "the failing statement took the whole query's transaction with it");
            }
            s.execute("insert into implicit1 values (1); insert into implicit1 values (2)");
            try (ResultSet rs = s.executeQuery("select count(*) from implicit1")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    @ParameterizedTest(name = "binary={0}")
    @ValueSource(booleans = {false, true})
    void everyCommonTypeRoundTripsInTextAndBinary(boolean binary) throws Exception {
        Properties props = binary
                ? RunningProxy.props("prepareThreshold", "-1", "binaryTransferEnable", ALL_BINARY)
                : RunningProxy.props("binaryTransfer", "false");
        String table = binary ? "types_bin" : "types_text";
        try (Connection c = proxy.connect(props)) {
            try (Statement s = c.createStatement()) {
                s.execute("create table " + table + " (id int primary key, b boolean, i2 smallint, i4 int, i8 bigint,"
                        + " f4 real, f8 double precision, n numeric(20,5), t clob, v varchar(50), c char(5),"
                        + " by varbinary(100), d date, tm time, ts timestamp, tz timestamp with time zone, u uuid)");
            }
            UUID uuid = UUID.randomUUID();
            LocalDateTime ts = LocalDateTime.of(2024, 2, 29, 13, 45, 10, 123_456_000);
            OffsetDateTime tz = OffsetDateTime.of(2023, 12, 31, 23, 59, 58, 500_000_000, ZoneOffset.ofHours(2));
            try (PreparedStatement ps = c.prepareStatement("insert into " + table
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setBoolean(2, true);
                ps.setShort(3, (short) -12);
                ps.setInt(4, 123_456);
                ps.setLong(5, 9_000_000_000L);
                ps.setFloat(6, 1.5f);
                ps.setDouble(7, -2.25e10);
                ps.setBigDecimal(8, new BigDecimal("-12345.67891"));
                ps.setString(9, "text ü");
                ps.setString(10, "varchar");
                ps.setString(11, "ab");
                ps.setBytes(12, new byte[] {0, 1, (byte) 0xFF, 42});
                ps.setObject(13, LocalDate.of(1999, 12, 31));
                ps.setObject(14, LocalTime.of(23, 59, 1));
                ps.setObject(15, ts);
                ps.setObject(16, tz);
                ps.setObject(17, uuid);
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("insert into " + table + " (id) values (?)")) {
                ps.setInt(1, 2);
                ps.executeUpdate();
            }
            for (int round = 0; round < 2; round++) {
                try (PreparedStatement ps = c.prepareStatement("select * from " + table + " where id = ?")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertTrue(rs.getBoolean("b"));
                        assertEquals(-12, rs.getShort("i2"));
                        assertEquals(123_456, rs.getInt("i4"));
                        assertEquals(9_000_000_000L, rs.getLong("i8"));
                        assertEquals(1.5f, rs.getFloat("f4"));
                        assertEquals(-2.25e10, rs.getDouble("f8"));
                        assertEquals(new BigDecimal("-12345.67891"), rs.getBigDecimal("n"));
                        assertEquals("text ü", rs.getString("t"));
                        assertEquals("varchar", rs.getString("v"));
                        assertEquals("ab   ", rs.getString("c"));
                        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF, 42}, rs.getBytes("by"));
                        assertEquals(LocalDate.of(1999, 12, 31), rs.getObject("d", LocalDate.class));
                        assertEquals(LocalTime.of(23, 59, 1), rs.getObject("tm", LocalTime.class));
                        assertEquals(ts, rs.getObject("ts", LocalDateTime.class));
                        assertEquals(tz.toInstant(), rs.getObject("tz", OffsetDateTime.class).toInstant());
                        assertEquals(uuid, rs.getObject("u", UUID.class));
                    }
                    ps.setInt(1, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        for (String col : new String[] {"b", "i2", "i4", "i8", "f4", "f8", "n", "t", "v", "c", "by",
                            "d", "tm", "ts", "tz", "u"}) {
                            assertNull(rs.getObject(col), col);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchesInsertEveryRowAndReportEachCount() throws Exception {
        try (Connection c = proxy.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("create table batch1 (id int primary key, v int)");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into batch1 values (?, ?)")) {
                for (int i = 0; i < 500; i++) {
                    ps.setInt(1, i);
                    ps.setInt(2, i * 2);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                assertEquals(500, counts.length);
                for (int n : counts) {
                    assertEquals(1, n);
                }
            }
            try (Statement s = c.createStatement()) {
                s.addBatch("update batch1 set v = 0 where id < 10");
                s.addBatch("delete from batch1 where id >= 490");
                assertArrayEquals(new int[] {10, 10}, s.executeBatch());
                try (ResultSet rs = s.executeQuery("select count(*), sum(v) from batch1")) {
                    assertTrue(rs.next());
                    assertEquals(490, rs.getInt(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("insert into batch1 values (?, ?)")) {
                ps.setInt(1, 1000);
                ps.setInt(2, 1);
                ps.addBatch();
                ps.setInt(1, 1);
                ps.setInt(2, 1);
                ps.addBatch();
                BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
                assertEquals("23505", e.getNextException() == null ? e.getSQLState() : e.getNextException().getSQLState());
            }
        }
    }

    @Test
    void transactionsCommitAndRollBackAndAFailedOneIsAborted() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table tx1 (id int primary key)");
            c.setAutoCommit(false);
            s.execute("insert into tx1 values (1)");
            c.rollback();
            s.execute("insert into tx1 values (2)");
            c.commit();
            s.execute("insert into tx1 values (3)");
            SQLException e = assertThrows(SQLException.class, () -> s.execute("insert into tx1 values (2)"));
            assertEquals("23505", e.getSQLState());
            SQLException aborted = assertThrows(SQLException.class, () -> s.executeQuery("select 1"));
            assertEquals("25P02", aborted.getSQLState());
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("select id from tx1 order by id")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
                assertFalse(rs.next(), "the failed transaction's row 3 was rolled back");
            }
        }
    }

    @Test
    void errorsCarryTheirSqlStateAndTheConnectionStaysUsable() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            assertEquals("42P01", assertThrows(SQLException.class, () -> s.executeQuery("select * from nosuch"))
                    .getSQLState());
            assertEquals("42601", assertThrows(SQLException.class, () -> s.execute("selec 1")).getSQLState());
            assertEquals("22012", assertThrows(SQLException.class, () -> s.executeQuery("select 1 / 0")).getSQLState());
            try (ResultSet rs = s.executeQuery("select 42")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @Test
    void consistencyLevelsTokensAndTheLatticeTokenParameterStatus() throws Exception {
        try (Connection writer = proxy.connect(); Connection reader = proxy.connect();
             Statement w = writer.createStatement(); Statement r = reader.createStatement()) {
            w.execute("create table tok1 (id int primary key)");
            String before = writer.unwrap(PGConnection.class).getParameterStatus("lattice_token");
            assertNotNull(before);
            w.execute("insert into tok1 values (1)");
            String after = writer.unwrap(PGConnection.class).getParameterStatus("lattice_token");
            assertNotEquals(before, after, "a commit reports the new token");
            w.execute("SET CONSISTENCY READ_YOUR_WRITES");
            try (ResultSet rs = w.executeQuery("SHOW CONSISTENCY")) {
                assertTrue(rs.next());
                assertEquals("READ_YOUR_WRITES", rs.getString("level"));
                assertEquals(after, rs.getString("token"));
            }
            r.execute("SET CONSISTENCY TOKEN '" + after + "'");
            try (ResultSet rs = r.executeQuery("select count(*) from tok1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1), "a token adopted from another connection reads that write");
            }
            r.execute("SET CONSISTENCY QUORUM WRITE 1 READ 1");
            SQLWarning warning = r.getWarnings();
            assertNotNull(warning, "w + r <= N comes back as a NoticeResponse");
            r.execute("SET consistency = 'eventual'");
            try (ResultSet rs = r.executeQuery("SHOW CONSISTENCY")) {
                assertTrue(rs.next());
                assertEquals("EVENTUAL", rs.getString("level"));
            }
            try (ResultSet rs = r.executeQuery("SHOW REPLICAS")) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                assertEquals(3, rows);
            }
        }
    }

    @Test
    void aLargeResultStreamsWithAFetchSize() throws Exception {
        try (Connection c = proxy.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("create table big1 (id int primary key, pad varchar(100))");
                s.execute("insert into big1 select x, repeat('x', 100) from system_range(1, 20000) r(x)");
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(500);
                long sum = 0;
                int rows = 0;
                try (ResultSet rs = s.executeQuery("select id, pad from big1 order by id")) {
                    while (rs.next()) {
                        sum += rs.getInt(1);
                        rows++;
                    }
                }
                assertEquals(20000, rows);
                assertEquals(20000L * 20001 / 2, sum);
            }
            c.commit();
        }
    }

    /**
     * Two cursors open at once on the same query text each read their own rows: the proxy's cached
     * H2 statement is lent to one portal at a time (sharing it would close the first cursor's rows
     * when the second executes).
     */
    @Test
    void twoOpenCursorsOnTheSameQueryReadTheirOwnRows() throws Exception {
        try (Connection c = proxy.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("create table cursors2 (id int primary key)");
                s.execute("insert into cursors2 select x from system_range(1, 300) r(x)");
            }
            String sql = "select id from cursors2 where id >= ? order by id";
            c.setAutoCommit(false); // the cursors below run in a transaction: the warm-up runs where they will
            try (PreparedStatement warm = c.prepareStatement(sql)) {
                for (int i = 0; i < 6; i++) { // past pgjdbc's prepareThreshold: a named statement, cached on the node
                    warm.setInt(1, 1);
                    try (ResultSet rs = warm.executeQuery()) {
                        while (rs.next()) {
                            assertTrue(rs.getInt(1) >= 1);
                        }
                    }
                }
            }
            try (PreparedStatement a = c.prepareStatement(sql); PreparedStatement b = c.prepareStatement(sql)) {
                a.setFetchSize(10);
                b.setFetchSize(10);
                a.setInt(1, 1);
                b.setInt(1, 101);
                try (ResultSet ra = a.executeQuery(); ResultSet rb = b.executeQuery()) {
                    int expectA = 1;
                    int expectB = 101;
                    while (expectA <= 300 || expectB <= 300) {
                        if (expectA <= 300) {
                            assertTrue(ra.next(), "cursor a ends early at " + expectA);
                            assertEquals(expectA++, ra.getInt(1));
                        }
                        if (expectB <= 300) {
                            assertTrue(rb.next(), "cursor b ends early at " + expectB);
                            assertEquals(expectB++, rb.getInt(1));
                        }
                    }
                    assertFalse(ra.next());
                    assertFalse(rb.next());
                }
            }
            c.commit();
            try (PreparedStatement again = c.prepareStatement(sql)) {
                again.setInt(1, 295);
                try (ResultSet rs = again.executeQuery()) {
                    int rows = 0;
                    while (rs.next()) {
                        rows++;
                    }
                    assertEquals(6, rows, "the statement handed back is used again");
                }
            }
        }
    }

    @Test
    void cancelStopsARunningQuery() throws Exception {
        // pgjdbc marks its statement cancellable before it writes the query, so a cancel called at once
        // can reach the server before the query does, which PostgreSQL too ignores; and it sends one
        // cancel per statement. So the cancel is called once the query runs on a node (the proxy's own
        // early windows are CancelRequestTest).
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            for (int round = 0; round < 5; round++) {
                CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                    try (ResultSet rs = s.executeQuery("select sum(x) from system_range(1, 100000000000) r(x)")) {
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                });
                Await.until("the query to run on a node", Duration.ofSeconds(30),
                        () -> outcome.isDone() || NodeSessions.executing(proxy.server.cluster(), "system_range(1, 100000000000)"));
                s.cancel();
                Throwable failure = outcome.get(30, TimeUnit.SECONDS);
                assertNotNull(failure, "round " + round);
                assertEquals("57014", ((SQLException) failure).getSQLState(), "round " + round);
                try (ResultSet rs = s.executeQuery("select 1")) {
                    assertTrue(rs.next(), "the connection goes on after round " + round);
                }
            }
        }
    }

    @Test
    void sessionSettingsPgjdbcSendsAreAnsweredByTheProxy() throws Exception {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("SET extra_float_digits = 3");
            s.execute("SET application_name = 'lattice-test'");
            try (ResultSet rs = s.executeQuery("SHOW application_name")) {
                assertTrue(rs.next());
                assertEquals("lattice-test", rs.getString(1));
            }
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
        }
    }
}
