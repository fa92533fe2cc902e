package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.Page;
import org.h2.mvstore.db.MVPrimaryIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.value.VersionedValue;
import org.junit.jupiter.api.Test;

/**
 * A run of UPDATEs written in place on an in-memory replica ({@link DirectApply#applyInPlace}) is
 * one new version of the table's B-tree: it leaves the table as the same updates applied one by
 * one, changes no page of the version readers hold, and readers see all of it or none of it.
 */
class InPlaceRunTest {

    private static final int ROWS = 5_000; // a B-tree of three levels: leaves, nodes, root
    private static final TableId T = new TableId("PUBLIC", "T");

    @Test
    void aRunLeavesTheTableAsTheSameUpdatesInSql() throws Exception {
        try (Connection run = table("run"); Connection sql = table("sql");
             PreparedStatement update = sql.prepareStatement("UPDATE t SET v = ?, n = ? WHERE id = ?")) {
            assertTrue(depth(map(run)) >= 3, "a root, nodes and leaves");
            DirectApply direct = DirectApply.of(run, T);
            Random random = new Random(7);
            for (int round = 0; round < 5; round++) {
                List<RowChange> changes = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    // keys repeat within a run: the later change goes over the earlier
                    int key = i % 50 == 49 ? (Integer) changes.get(i - 1 - random.nextInt(10)).newRow()[0]
                            : random.nextInt(ROWS);
                    Object[] old = row(sql, key);
                    Object[] changed = old.clone();
                    if (random.nextBoolean()) {
                        changed[1] = "r" + round + "-" + i;
                    } else {
                        changed[2] = (long) i;
                    }
                    changes.add(new RowChange(T, RowChange.Op.UPDATE, old, changed));
                    update.setString(1, (String) changed[1]);
                    update.setLong(2, (Long) changed[2]);
                    update.setInt(3, key);
                    assertEquals(1, update.executeUpdate());
                }
                assertTrue(direct.applyInPlace(changes), "the run is written in place");
                assertEquals(rows(sql), rows(run), "round " + round);
            }
            assertEquals(ROWS, count(run), "no row lost or added");
            assertEquals(rows(sql), rowsByKey(run), "each row found by its key as by the scan");
        }
    }

    @Test
    void aReaderKeepsTheVersionItHolds() throws Exception {
        try (Connection replica = table("held"); Connection reader = reader(replica)) {
            String before = rows(reader);
            assertTrue(DirectApply.of(replica, T).applyInPlace(updates(replica, 0, ROWS, 1)));
            assertEquals(before, rows(reader), "a transaction that read the table goes on seeing it as it was");
            reader.commit();
            assertNotEquals(before, rows(reader), "the next transaction sees the run");
        }
    }

    /** The check above fails when a page readers hold is changed instead of copied. */
    @Test
    void aPageChangedWhereItIsIsSeenByAReaderHoldingItsVersion() throws Exception {
        try (Connection replica = table("changed"); Connection reader = reader(replica)) {
            String before = rows(reader);
            MVMap<Long, VersionedValue<?>> map = map(replica);
            Page<Long, VersionedValue<?>> leaf = map.getRootPage();
            while (!leaf.isLeaf()) {
                leaf = leaf.getChildPage(0);
            }
            leaf.setValue(0, map.get(2L)); // row 0 now holds row 2's values, in the version the reader holds
            table(replica).setModificationDataId(session(replica).getDatabase().getNextModificationDataId());
            assertNotEquals(before, rows(reader));
        }
    }

    @Test
    void readersSeeAllOfARunOrNone() throws Exception {
        try (Connection replica = table("whole")) {
            DirectApply direct = DirectApply.of(replica, T);
            long[] partial = watchSums(replica, () -> {
                for (int round = 1; round <= 200; round++) {
                    assertTrue(direct.applyInPlace(updates(replica, round, 100, 50)));
                }
                return true;
            });
            assertEquals(0, partial[0], "sums seen between two changes of one run");
            assertTrue(partial[1] > 0, "the reader read while runs were written");
        }
    }

    /** The same runs written one update at a time: the reader then catches one half written. */
    @Test
    void withoutTheRunOneVersionAReaderSeesPartOfIt() throws Exception {
        try (Connection replica = table("parts")) {
            DirectApply direct = DirectApply.of(replica, T);
            AtomicLong round = new AtomicLong();
            watchSums(replica, () -> {
                Await.until("a reader to see part of a run", Duration.ofSeconds(30), () -> {
                    try {
                        for (RowChange change : updates(replica, (int) round.incrementAndGet(), 100, 50)) {
                            assertTrue(direct.applyInPlace(List.of(change)));
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return partialSeen.get() > 0;
                });
                return true;
            });
        }
    }

    @Test
    void aRunWithARowTheReplicaLacksWritesNothing() throws Exception {
        try (Connection replica = table("lost")) {
            String before = rows(replica);
            List<RowChange> changes = updates(replica, 1, 10, 1);
            changes.add(new RowChange(T, RowChange.Op.UPDATE, new Object[] {ROWS + 1, "x", 0L},
                    new Object[] {ROWS + 1, "x", 1L}));
            DirectApply direct = DirectApply.of(replica, T);
            assertThrows(ReplicaDiverged.class, () -> direct.applyInPlace(changes));
            assertEquals(before, rows(replica), "not the first ten either");
        }
    }

    /** Set by {@link #watchSums} when a reader saw a sum no whole run leaves. */
    private final AtomicLong partialSeen = new AtomicLong();

    /**
     * Runs writes while a reader sums n: every run adds the same amount to each of its rows, so
     * between whole runs the sum is the first sum plus a multiple of one run's amount. Returns
     * {sums seen off that grid, sums read}.
     */
    private long[] watchSums(Connection replica, Callable<Boolean> writes) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        Throwable[] failed = new Throwable[1];
        long first = sum(replica);
        Thread reader = new Thread(() -> {
            try (Connection own = DriverManager.getConnection(url(replica), "sa", "")) {
                while (!done.get()) {
                    long sum = sum(own);
                    reads.incrementAndGet();
                    if ((sum - first) % RUN_STEP != 0) {
                        partialSeen.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        reader.start();
        try {
            writes.call();
        } finally {
            done.set(true);
            reader.join();
        }
        if (failed[0] != null) {
            throw new AssertionError("the reader failed", failed[0]);
        }
        return new long[] {partialSeen.get(), reads.get()};
    }

    /** What one run of {@link #updates} adds to the sum of n: 100 rows, 50 each. */
    private static final long RUN_STEP = 100 * 50;

    /**
     * n rows (from a key that moves with the round, spread over the table) each getting step
     * more in n, as captured: the rows as they are, then with n changed.
     */
    private static List<RowChange> updates(Connection replica, int round, int n, long step) throws SQLException {
        List<RowChange> changes = new ArrayList<>();
        try (PreparedStatement select = replica.prepareStatement("SELECT v, n FROM t WHERE id = ?")) {
            for (int i = 0; i < n; i++) {
                // from the last row down: a reader's scan meets the run's last rows first
                int key = ROWS - 1 - (int) (((long) i * ROWS / n + round) % ROWS);
                select.setInt(1, key);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    changes.add(new RowChange(T, RowChange.Op.UPDATE, new Object[] {key, rs.getString(1), rs.getLong(2)},
                            new Object[] {key, rs.getString(1), rs.getLong(2) + step}));
                }
            }
        }
        return changes;
    }

    /** The row as a capture holds it: {id, v, n}. */
    private static Object[] row(Connection c, int key) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v, n FROM t WHERE id = " + key)) {
            rs.next();
            return new Object[] {key, rs.getString(1), rs.getLong(2)};
        }
    }

    private static int depth(MVMap<?, ?> map) {
        int depth = 1;
        for (Page<?, ?> page = map.getRootPage(); !page.isLeaf(); page = page.getChildPage(0)) {
            depth++;
        }
        return depth;
    }

    private static Connection table(String name) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:in-place-run-" + name + "-" + System.nanoTime()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20), n BIGINT)");
            s.execute("INSERT INTO t SELECT x, 'v' || x, x FROM SYSTEM_RANGE(0, " + (ROWS - 1) + ")");
        }
        return c;
    }

    private static String url(Connection c) throws SQLException {
        return c.getMetaData().getURL();
    }

    /** A second connection, in a REPEATABLE READ transaction that has read the table. */
    private static Connection reader(Connection replica) throws SQLException {
        Connection reader = DriverManager.getConnection(url(replica), "sa", "");
        reader.setAutoCommit(false);
        reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        rows(reader);
        return reader;
    }

    @SuppressWarnings("unchecked")
    private static MVMap<Long, VersionedValue<?>> map(Connection replica) throws SQLException {
        MVPrimaryIndex rows = (MVPrimaryIndex) table(replica).getScanIndex(session(replica));
        return (MVMap<Long, VersionedValue<?>>) (MVMap<?, ?>) rows.getMVMap();
    }

    private static SessionLocal session(Connection replica) throws SQLException {
        return (SessionLocal) replica.unwrap(JdbcConnection.class).getSession();
    }

    /** H2's table T; bumping its modification id keeps H2 from answering a query again from its cache. */
    private static MVTable table(Connection replica) throws SQLException {
        SessionLocal session = session(replica);
        return (MVTable) session.getDatabase().getSchema("PUBLIC").findTableOrView(session, "T");
    }

    private static String rows(Connection c) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, v, n FROM t ORDER BY id")) {
            while (rs.next()) {
                line(all, rs);
            }
        }
        return all.toString();
    }

    /** One row (id, v, n) as rows and rowsByKey write it, so that the two compare. */
    private static void line(StringBuilder all, ResultSet rs) throws SQLException {
        all.append(rs.getInt(1)).append(',').append(rs.getString(2)).append(',').append(rs.getLong(3)).append('\n');
    }

    /** The rows as each is found by its key, one query each. */
    private static String rowsByKey(Connection c) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (PreparedStatement select = c.prepareStatement("SELECT id, v, n FROM t WHERE id = ?")) {
            for (int id = 0; id < ROWS; id++) {
                select.setInt(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    line(all, rs);
                }
            }
        }
        return all.toString();
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long sum(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SUM(n) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
