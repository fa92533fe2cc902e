package dev.lattice.locking;

import static dev.lattice.locking.TwoSessions.outcome;
import static dev.lattice.locking.TwoSessions.query;
import static dev.lattice.locking.TwoSessions.update;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The anomalies of Adya's and Hermitage's catalogue, each driven by a fixed interleaving of two
 * transactions: prevented under SERIALIZABLE (Lattice's two-phase locking), and shown to occur at
 * the default level, so each test is known to detect what it guards. H2 prevents dirty writes
 * (G0) and circular information flow (G1c) at every level itself, so for those two the default
 * level shows no anomaly either; both are asserted.
 */
class SerializableAnomaliesTest {

    private static final String SERIALIZABLE = "SERIALIZABLE";
    private static final String DEFAULT = "CAUSAL";

    @Test
    void lostUpdateIsPreventedUnderSerializable() throws Exception {
        assertFalse(lostUpdate(SERIALIZABLE));
    }

    @Test
    void lostUpdateOccursAtTheDefaultLevel() throws Exception {
        assertTrue(lostUpdate(DEFAULT));
    }

    /** P4: both read the balance, both write read + delta; a committed delta must not vanish. */
    private static boolean lostUpdate(String level) throws Exception {
        try (TwoSessions s = new TwoSessions("p4", level, "CREATE TABLE acct(id INT PRIMARY KEY, bal INT)",
                "INSERT INTO acct VALUES (1, 100)")) {
            long r1 = query(s.t1, "SELECT bal FROM acct WHERE id = 1");
            long r2 = query(s.t2, "SELECT bal FROM acct WHERE id = 1");
            Future<Object> t1 = s.inBackground(() -> {
                update(s.t1, "UPDATE acct SET bal = " + (r1 + 10) + " WHERE id = 1");
                s.t1.commit();
            });
            boolean t2Committed = commitOrAbort(s.t2, () -> update(s.t2, "UPDATE acct SET bal = " + (r2 + 20) + " WHERE id = 1"));
            boolean t1Committed = outcome(t1) == null;
            long expected = 100 + (t1Committed ? 10 : 0) + (t2Committed ? 20 : 0);
            return query(s.t1, "SELECT bal FROM acct WHERE id = 1") != expected;
        }
    }

    @Test
    void writeSkewIsPreventedUnderSerializable() throws Exception {
        assertFalse(writeSkew(SERIALIZABLE));
    }

    @Test
    void writeSkewOccursAtTheDefaultLevel() throws Exception {
        assertTrue(writeSkew(DEFAULT));
    }

    /** G2-item: two doctors each go off call after seeing two on call; at least one must remain. */
    private static boolean writeSkew(String level) throws Exception {
        try (TwoSessions s = new TwoSessions("g2", level, "CREATE TABLE doctor(id INT PRIMARY KEY, on_call BOOLEAN)",
                "INSERT INTO doctor VALUES (1, TRUE), (2, TRUE)")) {
            String count = "SELECT COUNT(*) FROM doctor WHERE on_call";
            long c1 = query(s.t1, count);
            long c2 = query(s.t2, count);
            Future<Object> t1 = s.inBackground(() -> {
                if (c1 >= 2) {
                    update(s.t1, "UPDATE doctor SET on_call = FALSE WHERE id = 1");
                }
                s.t1.commit();
            });
            commitOrAbort(s.t2, () -> {
                if (c2 >= 2) {
                    update(s.t2, "UPDATE doctor SET on_call = FALSE WHERE id = 2");
                }
            });
            outcome(t1);
            return query(s.t1, count) == 0;
        }
    }

    @Test
    void readSkewIsPreventedUnderSerializable() throws Exception {
        assertFalse(readSkew(SERIALIZABLE));
    }

    @Test
    void readSkewOccursAtTheDefaultLevel() throws Exception {
        assertTrue(readSkew(DEFAULT));
    }

    /** G-single: T1 reads x, T2 moves 25 from x to y and commits, T1 reads y; T1 must see a total of 100. */
    private static boolean readSkew(String level) throws Exception {
        try (TwoSessions s = new TwoSessions("gsingle", level, "CREATE TABLE acct(id INT PRIMARY KEY, bal INT)",
                "INSERT INTO acct VALUES (1, 50), (2, 50)")) {
            long x = query(s.t1, "SELECT bal FROM acct WHERE id = 1");
            Future<Object> t2 = s.inBackground(() -> {
                update(s.t2, "UPDATE acct SET bal = 25 WHERE id = 1");
                update(s.t2, "UPDATE acct SET bal = 75 WHERE id = 2");
                s.t2.commit();
            });
            long y = query(s.t1, "SELECT bal FROM acct WHERE id = 2");
            s.t1.commit();
            outcome(t2);
            return x + y != 100;
        }
    }

    @Test
    void phantomIsPreventedUnderSerializable() throws Exception {
        assertFalse(phantom(SERIALIZABLE));
    }

    @Test
    void phantomOccursAtTheDefaultLevel() throws Exception {
        assertTrue(phantom(DEFAULT));
    }

    /** A predicate read, a concurrent insert matching it, the same predicate read again. */
    private static boolean phantom(String level) throws Exception {
        try (TwoSessions s = new TwoSessions("phantom", level, "CREATE TABLE item(id INT PRIMARY KEY, price INT)",
                "INSERT INTO item VALUES (1, 5), (2, 15)")) {
            String count = "SELECT COUNT(*) FROM item WHERE price > 10";
            long first = query(s.t1, count);
            Future<Object> t2 = s.inBackground(() -> {
                update(s.t2, "INSERT INTO item VALUES (3, 20)");
                s.t2.commit();
            });
            long second = query(s.t1, count);
            s.t1.commit();
            outcome(t2);
            return first != second;
        }
    }

    @Test
    void dirtyWritesArePreventedUnderSerializableAndByH2AtTheDefaultLevel() throws Exception {
        assertFalse(dirtyWrite(SERIALIZABLE));
        assertFalse(dirtyWrite(DEFAULT), "H2's row locks keep writes apart at every level");
    }

    /** G0: T1 and T2 both write x and y, interleaved; the result must come whole from one of them. */
    private static boolean dirtyWrite(String level) throws Exception {
        try (TwoSessions s = new TwoSessions("g0", level, "CREATE TABLE reg(id INT PRIMARY KEY, v INT)",
                "INSERT INTO reg VALUES (1, 0), (2, 0)")) {
            update(s.t1, "UPDATE reg SET v = 1 WHERE id = 1");
            Future<Object> t2 = s.inBackground(() -> {
                update(s.t2, "UPDATE reg SET v = 2 WHERE id = 1");
                update(s.t2, "UPDATE reg SET v = 2 WHERE id = 2");
                s.t2.commit();
            });
            update(s.t1, "UPDATE reg SET v = 1 WHERE id = 2");
            s.t1.commit();
            outcome(t2);
            return query(s.t1, "SELECT v FROM reg WHERE id = 1") != query(s.t1, "SELECT v FROM reg WHERE id = 2");
        }
    }

    @Test
    void circularInformationFlowIsPreventedUnderSerializableAndByH2AtTheDefaultLevel() throws Exception {
        assertFalse(circularInformationFlow(SERIALIZABLE));
        assertFalse(circularInformationFlow(DEFAULT), "H2 never lets a read see another transaction's uncommitted write");
    }

    /** G1c: each transaction writes one row and reads the other's; each seeing the other's write is a cycle. */
    private static boolean circularInformationFlow(String level) throws Exception {
        try (TwoSessions s = new TwoSessions("g1c", level, "CREATE TABLE reg(id INT PRIMARY KEY, v INT)",
                "INSERT INTO reg VALUES (1, 10), (2, 20)")) {
            update(s.t1, "UPDATE reg SET v = 11 WHERE id = 1");
            update(s.t2, "UPDATE reg SET v = 22 WHERE id = 2");
            long[] t1Saw = new long[1];
            Future<Object> t1 = s.inBackground(() -> {
                t1Saw[0] = query(s.t1, "SELECT v FROM reg WHERE id = 2");
                s.t1.commit();
            });
            long[] t2Saw = {-1};
            commitOrAbort(s.t2, () -> t2Saw[0] = query(s.t2, "SELECT v FROM reg WHERE id = 1"));
            outcome(t1);
            return t1Saw[0] == 22 && t2Saw[0] == 11;
        }
    }

    /** Runs the rest of a transaction and commits; a 40001 (deadlock victim) counts as aborted. */
    private static boolean commitOrAbort(java.sql.Connection c, TwoSessions.Step rest) throws Exception {
        try {
            rest.run();
            c.commit();
            return true;
        } catch (SQLException e) {
            if (!"40001".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback();
            return false;
        }
    }
}
