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

/**
 * A product catalog at EVENTUAL and a sales dashboard at BOUNDED_STALENESS. Browsing tolerates any
 * staleness, so EVENTUAL sends every read to a replica and the primary keeps its capacity for
 * orders. The dashboard tolerates a bounded lag: {@code BOUNDED_STALENESS 5 VERSIONS} reads only
 * replicas at most 5 transactions behind. When one replica lags past the bound it is skipped;
 * when every replica does, the read waits for one and then falls back to the primary. EVENTUAL on
 * the dashboard would have shown the lagging replica's old figures.
 */
public final class CatalogAnalytics {

    static final int PRODUCTS = 20;
    static final int ORDERS = 10;
    static final int BOUND = 5;

    /** Where the catalog reads went, and what each dashboard read saw. */
    record Outcome(long catalogReplicaReads, long catalogPrimaryReads, List<Integer> boundedCounts,
                   List<Integer> eventualCounts, int fallbackCount, long fallbackPrimaryReads) {
    }

    private CatalogAnalytics() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out, "catalog");
    }

    public static Outcome run(PrintStream out, String clusterName) throws Exception {
        String url = "jdbc:lattice:mem:" + clusterName + "?replicas=2";
        try (Connection shop = DriverManager.getConnection(url);
             Connection browser = DriverManager.getConnection(url + "&consistency=EVENTUAL");
             Connection dashboard = DriverManager.getConnection(url);
             Statement s = shop.createStatement()) {
            s.execute("CREATE TABLE product(id INT PRIMARY KEY, name VARCHAR(100), price DECIMAL(10, 2))");
            s.execute("CREATE TABLE orders(id INT AUTO_INCREMENT PRIMARY KEY, product_id INT, amount DECIMAL(10, 2))");
            for (int id = 1; id <= PRODUCTS; id++) {
                s.executeUpdate("INSERT INTO product VALUES (" + id + ", 'product " + id + "', " + (id * 3) + ".99)");
            }
            Replicas.awaitAllCaughtUp(shop);

            ServedBy catalogServed = ServedBy.watch(browser, "EVENTUAL");
            try (PreparedStatement ps = browser.prepareStatement("SELECT name, price FROM product WHERE id = ?")) {
                for (int id = 1; id <= PRODUCTS; id++) {
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
            }
            ServedBy.Reads catalog = catalogServed.next();
            out.printf("Catalog at EVENTUAL: %d product pages served by %s.%n", PRODUCTS, catalog.describe());

            // replica1 stops applying; ten orders arrive, one transaction each.
            s.execute("ALTER REPLICA replica1 PAUSE");
            for (int i = 1; i <= ORDERS; i++) {
                s.executeUpdate("INSERT INTO orders(product_id, amount) VALUES (" + i + ", 9.99)");
            }
            Replicas.awaitApplied(shop, "replica2", Replicas.committed(shop));
            out.println("Ten orders later: " + Replicas.lag(shop));

            List<Integer> bounded = dashboardReads(dashboard, "BOUNDED_STALENESS " + BOUND + " VERSIONS", out);
            List<Integer> eventual = dashboardReads(dashboard, "EVENTUAL", out);

            // Now replica2 lags too: no replica is within the bound.
            s.execute("ALTER REPLICA replica2 PAUSE");
            for (int i = 0; i <= BOUND; i++) {
                s.executeUpdate("INSERT INTO orders(product_id, amount) VALUES (1, 1.00)");
            }
            out.println("Both replicas paused, " + (BOUND + 1) + " more transactions: " + Replicas.lag(shop));
            dashboard.createStatement().execute("SET CONSISTENCY BOUNDED_STALENESS " + BOUND + " VERSIONS");
            dashboard.createStatement().execute("SET CONSISTENCY TIMEOUT 100");
            ServedBy fallbackServed = ServedBy.watch(dashboard, "BOUNDED_STALENESS");
            int fallbackCount = orderCount(dashboard);
            ServedBy.Reads fallback = fallbackServed.next();
            out.printf("  BOUNDED_STALENESS %d VERSIONS then reads %d orders on %s%n", BOUND, fallbackCount,
                    fallback.describe());
            s.execute("ALTER REPLICA replica1 RESUME");
            s.execute("ALTER REPLICA replica2 RESUME");
            Replicas.shutdown(shop);
            return new Outcome(catalog.replica(), catalog.primary(), bounded, eventual, fallbackCount,
                    fallback.primary());
        }
    }

    /** Four refreshes of the dashboard's order count at a level, while all ORDERS are committed. */
    private static List<Integer> dashboardReads(Connection c, String level, PrintStream out) throws SQLException {
        c.createStatement().execute("SET CONSISTENCY " + level);
        ServedBy served = ServedBy.watch(c, level);
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            counts.add(orderCount(c));
        }
        int behind = ORDERS - counts.stream().mapToInt(Integer::intValue).min().orElse(0);
        out.printf("  dashboard at %s: order counts %s, read on %s -> %s%n", level, counts, served.next().describe(),
                behind <= BOUND ? "never more than " + BOUND + " orders behind"
                        : "a read " + behind + " orders behind, past the bound of " + BOUND);
        return counts;
    }

    private static int orderCount(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
