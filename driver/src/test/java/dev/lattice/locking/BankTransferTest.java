package dev.lattice.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Eight threads move money at random among 100 accounts in SERIALIZABLE transactions, retrying on
 * 40001, while auditors sum the balances: every audit and the end see the same total, and every
 * committed transfer is in the balances.
 */
class BankTransferTest {

    private static final int ACCOUNTS = 100;
    private static final int THREADS = 8;
    private static final int TRANSFERS_PER_THREAD = 300;
    private static final long INITIAL = 1_000;

    @Test
    void serializableTransfersKeepTheTotalInEveryAuditAndLoseNothing() throws Exception {
        String url = "jdbc:lattice:mem:bank-" + System.nanoTime() + "?replicas=2&consistency=SERIALIZABLE";
        try (Connection setup = DriverManager.getConnection(url); Statement s = setup.createStatement()) {
            Cluster cluster = setup.unwrap(LatticeConnection.class).cluster();
            s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            s.execute("CREATE TABLE transfer(id INT PRIMARY KEY, src INT, dst INT, amount BIGINT)");
            s.executeUpdate("INSERT INTO account SELECT X, " + INITIAL + " FROM SYSTEM_RANGE(1, " + ACCOUNTS + ")");

            AtomicInteger committed = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            AtomicInteger nextId = new AtomicInteger();
            AtomicBoolean transferring = new AtomicBoolean(true);
            List<Long> audits = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    transfer(url, thread, committed, retries, nextId);
                    return null;
                }));
            }
            Future<?> auditor = pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url)) {
                    c.setAutoCommit(false);
                    while (transferring.get()) {
                        try {
                            audits.add(total(c));
                            c.commit();
                        } catch (SQLException e) {
                            c.rollback();
                            if (!"40001".equals(e.getSQLState())) {
                                throw e;
                            }
                        }
                    }
                }
                return null;
            });
            for (Future<?> f : work) {
                f.get();
            }
            transferring.set(false);
            auditor.get();
            pool.shutdown();

            assertTrue(audits.size() > 0, "audits ran during the transfers");
            for (long audit : audits) {
                assertEquals(ACCOUNTS * INITIAL, audit, "a concurrent SERIALIZABLE audit saw money created or lost");
            }
            assertEquals(ACCOUNTS * INITIAL, total(setup));
            assertEquals(THREADS * TRANSFERS_PER_THREAD, committed.get());
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM account a WHERE a.balance <> " + INITIAL
                    + " + COALESCE((SELECT SUM(amount) FROM transfer WHERE dst = a.id), 0)"
                    + " - COALESCE((SELECT SUM(amount) FROM transfer WHERE src = a.id), 0)")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "every balance is its initial amount plus its committed transfers");
            }
            assertEquals(0, cluster.lockManager().lockedTargets(), "no lock outlives its transaction");
            System.out.println("bank: " + committed + " transfers committed, " + retries + " retried on 40001, "
                    + audits.size() + " audits");
        } finally {
            ClusterRegistry.shutdown("MEM:" + url.substring("jdbc:lattice:mem:".length(), url.indexOf('?')));
        }
    }

    private static void transfer(String url, int thread, AtomicInteger committed, AtomicInteger retries,
                                 AtomicInteger nextId) throws SQLException {
        Random random = new Random(thread);
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement read = c.prepareStatement("SELECT balance FROM account WHERE id = ?");
             PreparedStatement write = c.prepareStatement("UPDATE account SET balance = ? WHERE id = ?");
             PreparedStatement record = c.prepareStatement("INSERT INTO transfer VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                int src = 1 + random.nextInt(ACCOUNTS);
                int dst = 1 + (src + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                long amount = 1 + random.nextInt(50);
                while (true) {
                    try {
                        long srcBalance = balance(read, src);
                        long dstBalance = balance(read, dst);
                        set(write, src, srcBalance - amount);
                        set(write, dst, dstBalance + amount);
                        record.setInt(1, nextId.incrementAndGet());
                        record.setInt(2, src);
                        record.setInt(3, dst);
                        record.setLong(4, amount);
                        record.executeUpdate();
                        c.commit();
                        committed.incrementAndGet();
                        break;
                    } catch (SQLException e) {
                        c.rollback();
                        if (!"40001".equals(e.getSQLState())) {
                            throw e;
                        }
                        retries.incrementAndGet();
                    }
                }
            }
        }
    }

    private static long balance(PreparedStatement read, int id) throws SQLException {
        read.setInt(1, id);
        try (ResultSet rs = read.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void set(PreparedStatement write, int id, long balance) throws SQLException {
        write.setLong(1, balance);
        write.setInt(2, id);
        write.executeUpdate();
    }

    private static long total(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SUM(balance) FROM account")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
