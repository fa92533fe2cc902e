package dev.lattice.proxy;

import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.config.ConfigLoader;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.console.ConsoleServer;
import dev.lattice.proxy.metrics.MetricsServer;
import dev.lattice.proxy.server.ProxyServer;
import java.util.concurrent.CountDownLatch;

/** The standalone proxy's entry point: {@code java -jar lattice-proxy.jar [--config FILE] [flags]}. */
public final class LatticeProxy {

    private LatticeProxy() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(ConfigLoader.USAGE_TEXT);
            return;
        }
        ProxyServer server;
        MetricsServer metrics = null;
        ConsoleServer console = null;
        try {
            ProxyConfig config = ConfigLoader.fromArgs(args);
            server = ProxyServer.start(config);
            if (config.httpPort() > 0) {
                console = ConsoleServer.start(server, config.host(), config.httpPort());
            }
            // The console serves /metrics too, so one port may do for both.
            if (config.metricsPort() > 0 && config.metricsPort() != config.httpPort()) {
                metrics = MetricsServer.start(server, config.host(), config.metricsPort());
            }
        } catch (ConfigException e) {
            System.err.println("lattice-proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(banner(server, metrics, console));
        CountDownLatch stopped = new CountDownLatch(1);
        MetricsServer m = metrics;
        ConsoleServer web = console;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (web != null) {
                web.close();
            }
            if (m != null) {
                m.close();
            }
            server.close();
            // after the clients' sessions: the cluster closes in order, so its replicas go on from their records
            ClusterRegistry.shutdownAll();
            stopped.countDown();
        }, "lattice-proxy-shutdown"));
        stopped.await();
    }

    static String banner(ProxyServer server, MetricsServer metrics) {
        return banner(server, metrics, null);
    }

    /** What the proxy tells its operator at start: where it listens, over what, and how to connect. */
    static String banner(ProxyServer server, MetricsServer metrics, ConsoleServer console) {
        ProxyConfig c = server.config();
        StringBuilder b = new StringBuilder();
        b.append("Lattice proxy listening on ").append(c.host()).append(':').append(server.port())
                .append(" (PostgreSQL protocol v3").append(c.tls() ? ", TLS available" : "")
                .append(", ").append(server.transport()).append(")\n");
        b.append("  cluster: ").append(c.clusterUrl()).append(" (primary + ")
                .append(server.cluster().backend().replicaCount()).append(" replicas)\n");
        b.append("  auth:    ").append(c.authMethod().configName());
        if (!c.usersConfigured()) {
            b.append(", no users configured: user '").append(ProxyConfig.DEFAULT_USER).append("' / password '")
                    .append(ProxyConfig.DEFAULT_PASSWORD).append("', loopback only");
        } else {
            b.append(", users ").append(new java.util.TreeSet<>(c.users().keySet()));
        }
        b.append('\n');
        if (metrics != null) {
            b.append("  metrics: http://").append(c.host()).append(':').append(metrics.port()).append("/metrics\n");
        }
        if (console != null) {
            b.append("  console: http://").append(c.host()).append(':').append(console.port())
                    .append("/ (log in with a proxy user").append(metrics == null && c.metricsPort() > 0
                            ? "; /metrics there too" : "").append(")\n");
        }
        String user = c.usersConfigured() ? "<user>" : ProxyConfig.DEFAULT_USER;
        b.append("Connect:  ").append(c.usersConfigured() ? "" : "PGPASSWORD=" + ProxyConfig.DEFAULT_PASSWORD + " ")
                .append("psql -h ").append(c.host()).append(" -p ").append(server.port()).append(" -U ").append(user)
                .append(" lattice");
        return b.toString();
    }
}
