package dev.lattice.locking;

import static dev.lattice.locking.TwoSessions.outcome;
import static dev.lattice.locking.TwoSessions.query;
import static dev.lattice.locking.TwoSessions.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Deadlocks are broken at once, lock timeouts are honoured, SHOW LOCKS tells, and no lock outlives its session. */
class LockLifecycleTest {

    private static final String[] TABLE = {"CREATE TABLE acct(id INT PRIMARY KEY, bal INT)",
        "INSERT INTO acct VALUES (1, 0), (2, 0)"};

    @Test
    void aDeadlockIsBrokenWithin100msNamingTheCycleAndTheVictimStaysUsable() throws Exception {
        try (TwoSessions s = new TwoSessions("deadlock", "SERIALIZABLE", TABLE)) {
            update(s.t1, "UPDATE acct SET bal = 1 WHERE id = 1");
            update(s.t2, "UPDATE acct SET bal = 2 WHERE id = 2");
            Future<Object> t1 = s.inBackground(() -> update(s.t1, "UPDATE acct SET bal = 1 WHERE id = 2"));
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> update(s.t2, "UPDATE acct SET bal = 2 WHERE id = 1"));
            long brokenAfterMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals("40001", e.getSQLState());
            assertTrue(e.getMessage().contains("Deadlock") && e.getMessage().contains("waits for"), e.getMessage());
            assertTrue(brokenAfterMs < 100, "deadlock broken after " + brokenAfterMs + " ms");
            assertNull(outcome(t1), "the survivor goes on");
            s.t1.commit();
            update(s.t2, "UPDATE acct SET bal = 3 WHERE id = 1");
            s.t2.commit();
            assertEquals(3, query(s.t2, "SELECT bal FROM acct WHERE id = 1"), "the victim's connection is usable");
            s.t2.commit();
        }
    }

    @Test
    void aLockWaitLongerThanTheLockTimeoutFailsWith40001() throws Exception {
        try (TwoSessions s = new TwoSessions("timeout", "SERIALIZABLE", TABLE);
             Connection waiter = DriverManager.getConnection(s.url + "&lockTimeout=300")) {
            update(s.t1, "UPDATE acct SET bal = 1 WHERE id = 1");
            waiter.setAutoCommit(false);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> update(waiter, "UPDATE acct SET bal = 9 WHERE id = 1"));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals("40001", e.getSQLState());
            assertTrue(e.getMessage().contains("Lock timeout"), e.getMessage());
            assertTrue(waitedMs >= 300, "gave up after " + waitedMs + " ms, before the timeout");
            s.t1.commit();
            update(waiter, "UPDATE acct SET bal = 9 WHERE id = 1");
            waiter.commit();
        }
    }

    /**
     * Writers that elide Lattice's locks (no SERIALIZABLE transaction runs) wait in H2's row locks:
     * that wait too ends after lockTimeout with 40001, the waiter's transaction rolled back whole.
     */
    @Test
    void aRowLockWaitOfWritersThatElideTheirLocksFailsWith40001AfterTheLockTimeout() throws Exception {
        String url = "jdbc:lattice:mem:elided-timeout-" + System.nanoTime() + "?replicas=1&lockTimeout=300";
        try (Connection holder = DriverManager.getConnection(url); Connection waiter = DriverManager.getConnection(url);
             Statement h = holder.createStatement()) {
            h.execute(TABLE[0]);
            h.execute(TABLE[1]);
            holder.setAutoCommit(false);
            waiter.setAutoCommit(false);
            update(holder, "UPDATE acct SET bal = 1 WHERE id = 1");
            update(waiter, "INSERT INTO acct VALUES (3, 3)");
            SQLException e = assertThrows(SQLException.class, () -> update(waiter, "UPDATE acct SET bal = 9 WHERE id = 1"));
            assertEquals("40001", e.getSQLState(), e.getMessage());
            waiter.commit();
            holder.commit();
            assertEquals(0, query(waiter, "SELECT COUNT(*) FROM acct WHERE id = 3"), "the waiter's transaction was rolled back");
            update(waiter, "UPDATE acct SET bal = 9 WHERE id = 1");
            waiter.commit();
            assertEquals(9, query(waiter, "SELECT bal FROM acct WHERE id = 1"), "the waiter's connection is usable");
        }
    }

    /**
     * Statement.cancel (and so a CancelRequest, or a client gone) ends a wait for a lock at once with
     * 57014, not at the lock timeout with 40001; the connection stays usable and the lock is not taken.
     */
    @Test
    void aCancelEndsALockWaitAtOnce() throws Exception {
        try (TwoSessions s = new TwoSessions("cancel-wait", "SERIALIZABLE", TABLE);
             Connection waiter = DriverManager.getConnection(s.url);
             Statement w = waiter.createStatement()) {
            update(s.t1, "UPDATE acct SET bal = 1 WHERE id = 1");
            waiter.setAutoCommit(false);
            Future<Object> waiting = s.inBackground(() -> w.executeUpdate("UPDATE acct SET bal = 9 WHERE id = 1"));
            assertEquals(1, waitingLocks(s.url), "the waiter waits for the row lock");
            w.cancel();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> waiting.get(30, java.util.concurrent.TimeUnit.SECONDS));
            SQLException cause = assertInstanceOf(SQLException.class, e.getCause());
            assertEquals("57014", cause.getSQLState(), "ended by the cancel, not by the lock timeout: " + cause.getMessage());
            assertEquals(0, waitingLocks(s.url), "no wait is left");
            s.t1.commit();
            update(waiter, "UPDATE acct SET bal = 9 WHERE id = 1");
            waiter.commit();
            assertEquals(9, query(s.t1, "SELECT bal FROM acct WHERE id = 1"), "the waiter's connection is usable");
            s.t1.commit();
        }
    }

    private static int waitingLocks(String url) throws SQLException {
        int waiting = 0;
        try (Connection admin = DriverManager.getConnection(url); Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SHOW LOCKS")) {
            while (rs.next()) {
                waiting += rs.getString("STATE").equals("WAITING") ? 1 : 0;
            }
        }
        return waiting;
    }

    @Test
    void showLocksListsHeldAndAwaitedLocks() throws Exception {
        try (TwoSessions s = new TwoSessions("show-locks", "SERIALIZABLE", TABLE)) {
            update(s.t1, "UPDATE acct SET bal = 1 WHERE id = 1");
            Future<Object> t2 = s.inBackground(() -> update(s.t2, "UPDATE acct SET bal = 2 WHERE id = 1"));
            int granted = 0;
            int waiting = 0;
            try (Connection admin = DriverManager.getConnection(s.url); Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SHOW LOCKS")) {
                while (rs.next()) {
                    if (rs.getString("OBJECT").contains("row [1]") && rs.getString("MODE").equals("X")) {
                        granted += rs.getString("STATE").equals("GRANTED") ? 1 : 0;
                        waiting += rs.getString("STATE").equals("WAITING") ? 1 : 0;
                    }
                }
            }
            assertEquals(1, granted);
            assertEquals(1, waiting);
            s.t1.commit();
            assertNull(outcome(t2));
            s.t2.commit();
        }
    }

    @Test
    void noLockRemainsOnceEverySessionHasClosedEvenAbruptly() throws Exception {
        try (TwoSessions s = new TwoSessions("close", "SERIALIZABLE", TABLE)) {
            Connection a = DriverManager.getConnection(s.url);
            Connection b = DriverManager.getConnection(s.url);
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            update(a, "UPDATE acct SET bal = 5 WHERE id = 1");
            query(b, "SELECT bal FROM acct WHERE id = 2");
            assertTrue(s.cluster.lockManager().lockedTargets() > 0);
            a.close();
            b.abort(Executors.newSingleThreadExecutor());
            dev.lattice.testing.Await.until("the aborted session's locks to go", java.time.Duration.ofSeconds(10),
                    () -> s.cluster.lockManager().lockedTargets() == 0);
            assertEquals(0, query(s.t1, "SELECT bal FROM acct WHERE id = 1"), "the closed transaction was rolled back");
            s.t1.commit();
        }
    }

    @Test
    void everyWriteOfANonSerializableSessionTakesXLocksThatSerializableReadsRespect() throws Exception {
        try (TwoSessions s = new TwoSessions("mixed", "CAUSAL", TABLE);
             Connection ser = DriverManager.getConnection(s.url + "&consistency=SERIALIZABLE")) {
            ser.setAutoCommit(false);
            long before = query(ser, "SELECT bal FROM acct WHERE id = 1");
            ser.commit();
            update(s.t1, "UPDATE acct SET bal = 7 WHERE id = 1");
            Future<Object> reader = s.inBackground(() -> {
                assertEquals(7, query(ser, "SELECT bal FROM acct WHERE id = 1"));
                ser.commit();
            });
            assertTrue(!reader.isDone(), "the serializable read waits for the open write transaction");
            s.t1.commit();
            assertNull(outcome(reader), "and then reads the committed write, not the value before it");
            assertEquals(0, before);
        }
    }

    @Test
    void setTransactionIsolationSerializableSelectsTwoPhaseLocking() throws Exception {
        try (TwoSessions s = new TwoSessions("jdbc-iso", "CAUSAL", TABLE)) {
            s.t1.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, s.t1.getTransactionIsolation());
            query(s.t1, "SELECT bal FROM acct WHERE id = 1");
            Future<Object> writer = s.inBackground(() -> {
                update(s.t2, "UPDATE acct SET bal = 4 WHERE id = 1");
                s.t2.commit();
            });
            assertEquals(1, s.waitingLocks(), "the writer waits for the serializable reader's S lock");
            s.t1.commit();
            assertInstanceOf(Object.class, String.valueOf(outcome(writer)));
            assertEquals(4, query(s.t1, "SELECT bal FROM acct WHERE id = 1"));
            s.t1.commit();
        }
    }
}
