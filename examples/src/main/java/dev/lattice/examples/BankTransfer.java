package dev.lattice.examples;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bank transfers at SERIALIZABLE. A transfer reads two balances and writes both back: a
 * read-modify-write that loses money under any level without locks. SERIALIZABLE runs it on
 * the primary under strict two-phase locking; when two transfers deadlock, Lattice rolls one back
 * with SQLState 40001 and the application simply retries it. No money is created or lost.
 */
public final class BankTransfer {

    static final int ACCOUNTS = 3;
    static final long OPENING_BALANCE = 1_000;

    /** What happened: the money in the bank before and after, and what the weaker level did. */
    record Outcome(long totalBefore, long totalAfter, int transfers, int retries, long deadlocks,
                   long totalAfterLostUpdate) {
    }

    private BankTransfer() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out, "bank", 4, 25);
    }

    /** Runs `threads` tellers, each making `perThread` transfers between the same few accounts. */
    public static Outcome run(PrintStream out, String clusterName, int threads, int perThread) throws Exception {
        String url = "jdbc:lattice:mem:" + clusterName + "?replicas=2";
        try (Connection admin = DriverManager.getConnection(url); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            for (int id = 1; id <= ACCOUNTS; id++) {
                s.executeUpdate("INSERT INTO account VALUES (" + id + ", " + OPENING_BALANCE + ")");
            }
            long before = total(admin);
            out.printf("%d accounts hold %d. %d tellers make %d transfers each, at SERIALIZABLE.%n",
                    ACCOUNTS, before, threads, perThread);

            AtomicInteger retries = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            List<Thread> tellers = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random random = new Random(t);
                Thread teller = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(url)) {
                        c.createStatement().execute("SET CONSISTENCY SERIALIZABLE");
                        for (int i = 0; i < perThread; i++) {
                            int from = 1 + random.nextInt(ACCOUNTS);
                            int to = 1 + (from + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            retries.addAndGet(transferWithRetry(c, from, to, 1 + random.nextInt(50)));
                            done.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "teller-" + t);
                tellers.add(teller);
                teller.start();
            }
            for (Thread teller : tellers) {
                teller.join();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a teller failed", failures.get(0));
            }
            long after = total(admin);
            long deadlocks = deadlocks(admin);
            out.printf("%d transfers committed; %d attempts were deadlock victims (SQLState 40001) and were retried.%n",
                    done.get(), retries.get());
            out.printf("SHOW STATS counts %d deadlocks at SERIALIZABLE. Total money: %d before, %d after -> %s.%n",
                    deadlocks, before, after, before == after ? "none created or lost" : "BROKEN");
            Replicas.awaitAllCaughtUp(admin);
            out.println("Once caught up, every node holds the same total: "
                    + Replicas.onEveryNode(admin, "SELECT SUM(balance) FROM account"));

            long lost = lostUpdateWithoutLocks(admin, url, out);
            Replicas.shutdown(admin);
            return new Outcome(before, after, done.get(), retries.get(), deadlocks, lost);
        }
    }

    /** One transfer as one transaction, retried while Lattice picks it as a deadlock victim. */
    static int transferWithRetry(Connection c, int from, int to, long amount) throws SQLException {
        for (int retries = 0; ; retries++) {
            try {
                transfer(c, from, to, amount);
                return retries;
            } catch (SQLException e) {
                if (!"40001".equals(e.getSQLState()) || retries == 1_000) {
                    throw e;
                }
            }
        }
    }

    /** Reads both balances, then writes both back: correct only if nothing runs in between. */
    static void transfer(Connection c, int from, int to, long amount) throws SQLException {
        c.setAutoCommit(false);
        try {
            long fromBalance = balance(c, from);
            long toBalance = balance(c, to);
            if (fromBalance >= amount) {
                setBalance(c, from, fromBalance - amount);
                setBalance(c, to, toBalance + amount);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback(); // a deadlock victim is already rolled back; this ends any other failure too
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * The same read-modify-write at CAUSAL, interleaved by hand the way two threads can be: both
     * read account 1, both write it back. The second write silently overwrites the first.
     */
    private static long lostUpdateWithoutLocks(Connection admin, String url, PrintStream out) throws SQLException {
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url)) {
            long before = total(admin);
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            long aFrom = balance(a, 1);
            long bFrom = balance(b, 1);
            long aTo = balance(a, 2);
            long bTo = balance(b, 3);
            setBalance(a, 1, aFrom - 100);
            setBalance(a, 2, aTo + 100);
            a.commit();
            setBalance(b, 1, bFrom - 100);
            setBalance(b, 3, bTo + 100);
            b.commit();
            long after = total(admin);
            out.printf("What a level without locks does: at CAUSAL the same two transfers, interleaved, turn %d into %d"
                    + " (one debit of account 1 was lost).%n", before, after);
            return after - before;
        }
    }

    private static long balance(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setBalance(Connection c, int id, long balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE account SET balance = ? WHERE id = ?")) {
            ps.setLong(1, balance);
            ps.setInt(2, id);
            ps.executeUpdate();
        }
    }

    private static long total(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY LINEARIZABLE");
            try (ResultSet rs = s.executeQuery("SELECT SUM(balance) FROM account")) {
                rs.next();
                return rs.getLong(1);
            } finally {
                s.execute("SET CONSISTENCY CAUSAL");
            }
        }
    }

    private static long deadlocks(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                if (rs.getString("LEVEL").equals("SERIALIZABLE")) {
                    return rs.getLong("DEADLOCKS");
                }
            }
            return 0;
        }
    }
}
