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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inventory without overselling: SERIALIZABLE. A purchase checks the stock, then takes one: two
 * buyers who both check before either takes both see the last item. Fresh reads do not help
 * (STRONG reads see every acknowledged write, but nothing is acknowledged yet when both check);
 * only SERIALIZABLE's locks make the second buyer wait, and Lattice then breaks the tie with
 * SQLState 40001 so that buyer retries and finds the shelf empty. The same program at EVENTUAL
 * (or STRONG) sells more items than there are.
 */
public final class Inventory {

    /** What happened at one level: items on the shelf, orders taken, stock left. */
    record Outcome(String level, int stock, int orders, int stockLeft, int retries) {
        boolean oversold() {
            return orders > stock;
        }
    }

    private Inventory() {
    }

    public static void main(String[] args) throws Exception {
        for (String level : new String[] {"EVENTUAL", "STRONG", "SERIALIZABLE"}) {
            run(System.out, "inventory_" + level.toLowerCase(), level, 1, 3);
            System.out.println();
        }
    }

    /** `buyers` shoppers, all at once, try to buy one each of an item with `stock` left. */
    public static Outcome run(PrintStream out, String clusterName, String level, int stock, int buyers)
            throws Exception {
        String url = "jdbc:lattice:mem:" + clusterName + "?replicas=2";
        // The shop's back office counts at LINEARIZABLE: it sees every order acknowledged to any buyer.
        try (Connection admin = DriverManager.getConnection(url + "&consistency=LINEARIZABLE");
             Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(100), stock INT NOT NULL)");
            s.execute("CREATE TABLE orders(id INT AUTO_INCREMENT PRIMARY KEY, item_id INT, buyer VARCHAR(20))");
            s.executeUpdate("INSERT INTO item VALUES (1, 'concert ticket', " + stock + ")");
            out.printf("At %s: %d buyers look at the shelf at the same moment; %d ticket(s) left.%n", level, buyers, stock);

            // The worst case made certain: every buyer has checked the stock before anyone takes one.
            CountDownLatch allChecked = new CountDownLatch(buyers);
            AtomicInteger retries = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int b = 1; b <= buyers; b++) {
                String buyer = "buyer" + b;
                Thread t = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(url)) {
                        c.createStatement().execute("SET CONSISTENCY " + level);
                        boolean bought = buyWithRetry(c, buyer, allChecked, retries);
                        out.printf("  %s: %s%n", buyer, bought ? "bought one" : "sold out");
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a buyer failed", failures.get(0));
            }
            int orders = count(admin, "SELECT COUNT(*) FROM orders");
            int left = count(admin, "SELECT stock FROM item WHERE id = 1");
            out.println("  every check read the primary: a read-write transaction runs there whatever the level,"
                    + " so the reads were fresh; what differs is whether the check held a lock");
            out.printf("  %d order(s) for %d ticket(s), stock now %d: %s%n", orders, stock, left,
                    orders > stock ? "OVERSOLD - each buyer checked before anyone took one"
                            : "no overselling (" + retries.get() + " buyer(s) retried after 40001 and found it sold out)");
            Replicas.shutdown(admin);
            return new Outcome(level, stock, orders, left, retries.get());
        }
    }

    /** Retries the purchase while Lattice picks it as a deadlock victim (SQLState 40001). */
    static boolean buyWithRetry(Connection c, String buyer, CountDownLatch allChecked, AtomicInteger retries)
            throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return buy(c, buyer, attempt == 1 ? allChecked : null);
            } catch (SQLException e) {
                if (!"40001".equals(e.getSQLState()) || attempt == 20) {
                    throw e;
                }
                retries.incrementAndGet();
            }
        }
    }

    /** Check, then take: one transaction. */
    static boolean buy(Connection c, String buyer, CountDownLatch allChecked) throws Exception {
        c.setAutoCommit(false);
        try {
            int stock;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT stock FROM item WHERE id = 1")) {
                rs.next();
                stock = rs.getInt(1);
            }
            if (allChecked != null) {
                allChecked.countDown();
                allChecked.await(5, TimeUnit.SECONDS);
            }
            if (stock < 1) {
                c.rollback();
                return false;
            }
            c.createStatement().executeUpdate("UPDATE item SET stock = stock - 1 WHERE id = 1");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders(item_id, buyer) VALUES (1, ?)")) {
                ps.setString(1, buyer);
                ps.executeUpdate();
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
