package dev.lattice.testing;

import dev.lattice.cluster.ClusterRegistry;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An H2 TCP server in a child JVM, for tests that run the same scenario on a primary in another
 * process ({@code jdbc:lattice:nodes}) and on an embedded one: {@link #cluster} hands out a URL
 * of a fresh cluster of either kind, each on databases of its own.
 */
public final class H2ServerProcess implements AutoCloseable {

    /** A fresh cluster's URL; closing it shuts a remote primary's cluster down in this JVM. */
    public record ClusterUrl(String url, String registryKey) implements AutoCloseable {
        @Override
        public void close() {
            if (registryKey != null) {
                ClusterRegistry.shutdown(registryKey);
            }
        }
    }

    private final ChildJvm server;
    private final int port;
    private int databases;

    private H2ServerProcess(ChildJvm server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts the server on a free port, its databases under dir. */
    public static H2ServerProcess start(Path dir) throws Exception {
        int port = FreePort.find();
        ChildJvm server = ChildJvm.start(H2ServerMain.class, String.valueOf(port), dir.toString());
        server.awaitLine("LISTENING", Duration.ofSeconds(60));
        return new H2ServerProcess(server, port);
    }

    /**
     * A new cluster's URL with that many replicas.
     *
     * @param primary "remote" (every node a database of this server) or "embedded" (in memory)
     * @param settings URL settings to add ({@code "&lockTimeout=5000"}), or ""
     */
    public synchronized ClusterUrl cluster(String primary, String name, int replicas, String settings) {
        int n = ++databases;
        if (primary.equals("remote")) {
            String base = "jdbc:h2:tcp://localhost:" + port + "/";
            StringBuilder url = new StringBuilder("jdbc:lattice:nodes?primary=" + base + "p" + n);
            for (int i = 0; i < replicas; i++) {
                url.append("&replica=").append(base).append('r').append(n).append((char) ('a' + i));
            }
            return new ClusterUrl(url + settings, "NODES:" + base + "p" + n);
        }
        return new ClusterUrl("jdbc:lattice:mem:" + name + "-" + n + "-" + System.nanoTime() + "?replicas=" + replicas
                + settings, null);
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
