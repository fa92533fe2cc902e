package dev.lattice.proxy;

import dev.lattice.proxy.config.ConfigLoader;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.server.ProxyServer;
import dev.lattice.testing.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** A proxy on an ephemeral loopback port over its own in-memory cluster, for one test class. */
final class RunningProxy implements AutoCloseable {

    final ProxyServer server;

    private RunningProxy(ProxyServer server) {
        this.server = server;
    }

    static RunningProxy start(String clusterName) throws Exception {
        return start(clusterName, Map.of());
    }

    static RunningProxy start(String clusterName, Map<String, Object> settings) throws Exception {
        Map<String, Object> values = new HashMap<>(settings);
        values.put("port", 0);
        values.putIfAbsent("cluster", Map.of("url", "jdbc:lattice:mem:" + clusterName + ";NON_KEYWORDS=VALUE?replicas=2"));
        ProxyConfig config = ConfigLoader.fromMap(values);
        return new RunningProxy(ProxyServer.start(config));
    }

    int port() {
        return server.port();
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/lattice";
    }

    Connection connect() throws SQLException {
        return connect(new Properties());
    }

    Connection connect(Properties extra) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "lattice");
        p.setProperty("password", "lattice");
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        p.putAll(extra);
        return DriverManager.getConnection(url(), p);
    }

    static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** Waits for a condition, failing after the deadline; polls without sleeping longer than needed. */
    static void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The rows a query returns, each as its values' text joined by '|'. */
    static java.util.List<String> rows(Connection c, String sql) throws SQLException {
        java.util.List<String> rows = new java.util.ArrayList<>();
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }

    /** Rows of a query as the node itself holds them ("primary" or a replica's name), read on a connection of Lattice's. */
    java.util.List<String> onNode(String node, String sql) throws SQLException {
        dev.lattice.cluster.Node n = node.equals("primary") ? server.cluster().primary() : server.cluster().replica(node).node();
        try (Connection c = n.connect()) {
            return rows(c, sql);
        }
    }

    /** Waits (with a deadline) until both replicas answer the query with the primary's rows. */
    void awaitReplicasAgree(String query) throws InterruptedException {
        for (String replica : java.util.List.of("replica1", "replica2")) {
            await(replica + " to converge", Duration.ofSeconds(10), () -> {
                try {
                    return onNode(replica, query).equals(onNode("primary", query));
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    /** Runs the statements, in order, on a throwaway PostgreSQL's primary and through this proxy: one schema on both. */
    void runBeside(PgCluster pg, java.util.List<String> statements) throws SQLException {
        for (Connection c : java.util.List.of(pg.connect(0), connect())) {
            try (c; java.sql.Statement s = c.createStatement()) {
                for (String statement : statements) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
            }
        }
    }

    /** Stops a proxy and the PostgreSQL it is compared with, either of which may not have started. */
    static void closeBoth(RunningProxy proxy, PgCluster pg) {
        if (proxy != null) {
            proxy.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
