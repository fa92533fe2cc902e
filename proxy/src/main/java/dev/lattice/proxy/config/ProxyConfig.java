package dev.lattice.proxy.config;

import dev.lattice.proxy.auth.AuthMethod;
import dev.lattice.proxy.auth.UserCredentials;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The proxy's settings, validated once by {@link ConfigLoader} and then frozen.
 *
 * @param users by name; when none were configured, the single default user lattice/lattice
 * @param usersConfigured whether users came from the configuration (else only loopback is allowed)
 * @param clusterUrl the cluster as a {@code jdbc:lattice:} URL (mem, file or nodes)
 * @param sessionProperties the Lattice connection properties each client session starts with
 *        (consistency, consistencyTimeout, consistencyFallback, ...)
 * @param metricsPort 0 for no metrics endpoint
 * @param idleTimeoutSeconds 0 for none
 * @param tlsRequired whether a client must use TLS (a clear-text start-up is refused)
 * @param maxConnectionsPerAddress connections one client address may hold (open or starting)
 * @param authenticationTimeoutSeconds how long a connection may take from accept to authenticated
 * @param maxStatementLength the longest statement text accepted, in characters
 * @param httpPort the console's HTTP port ({@code http.port}), 0 for none
 */
public record ProxyConfig(String host, int port, int metricsPort, AuthMethod authMethod,
                          Map<String, UserCredentials> users, boolean usersConfigured, Path tlsCertificate,
                          Path tlsKey, String clusterUrl, Properties sessionProperties, int maxConnections,
                          int idleTimeoutSeconds, int maxMessageSize, boolean tlsRequired,
                          int maxConnectionsPerAddress, int authenticationTimeoutSeconds, int maxStatementLength,
                          int httpPort) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5433;
    public static final String DEFAULT_USER = "lattice";
    public static final String DEFAULT_PASSWORD = "lattice";
    public static final String DEFAULT_CLUSTER = "jdbc:lattice:mem:proxy?replicas=2";

    /**
     * The proxy's appliers commit at most this many transactions at once and let the event loops run
     * between two such commits (the driver's {@code applyChunk}), unless the cluster URL sets it: a
     * statement then waits behind one chunk of a replica's apply, not a whole batch (8 pgbench clients
     * of updates on 2 cores: the slowest 1% 850-1,260 -> 410-610 us; README, Replication).
     */
    static final int APPLY_CHUNK = 64;

    /** The cluster URL with the proxy's {@link #APPLY_CHUNK} when it sets none of its own. */
    static String withApplyChunk(String clusterUrl) {
        int query = clusterUrl.indexOf('?');
        if (query >= 0 && ("&" + clusterUrl.substring(query + 1)).contains("&applyChunk=")) {
            return clusterUrl;
        }
        return clusterUrl + (query < 0 ? "?" : "&") + "applyChunk=" + APPLY_CHUNK;
    }

    /** A copy whose console listens on another HTTP port (tests bind port 0). */
    public ProxyConfig withHttpPort(int newHttpPort) {
        return new ProxyConfig(host, port, metricsPort, authMethod, users, usersConfigured, tlsCertificate, tlsKey,
                clusterUrl, sessionProperties, maxConnections, idleTimeoutSeconds, maxMessageSize, tlsRequired,
                maxConnectionsPerAddress, authenticationTimeoutSeconds, maxStatementLength, newHttpPort);
    }

    public boolean tls() {
        return tlsCertificate != null;
    }

    /** A copy listening elsewhere (tests bind port 0). */
    public ProxyConfig withListen(String newHost, int newPort, int newMetricsPort) {
        return new ProxyConfig(newHost, newPort, newMetricsPort, authMethod, users, usersConfigured, tlsCertificate,
                tlsKey, clusterUrl, sessionProperties, maxConnections, idleTimeoutSeconds, maxMessageSize, tlsRequired,
                maxConnectionsPerAddress, authenticationTimeoutSeconds, maxStatementLength, httpPort);
    }

    /** A copy with another connection limit and message size limit. */
    public ProxyConfig withLimits(int newMaxConnections, int newMaxMessageSize) {
        return new ProxyConfig(host, port, metricsPort, authMethod, users, usersConfigured, tlsCertificate, tlsKey,
                clusterUrl, sessionProperties, newMaxConnections, idleTimeoutSeconds, newMaxMessageSize, tlsRequired,
                Math.min(maxConnectionsPerAddress, newMaxConnections), authenticationTimeoutSeconds,
                Math.min(maxStatementLength, newMaxMessageSize), httpPort);
    }

    /** A copy over another cluster. */
    public ProxyConfig withCluster(String url) {
        return new ProxyConfig(host, port, metricsPort, authMethod, users, usersConfigured, tlsCertificate, tlsKey,
                url, sessionProperties, maxConnections, idleTimeoutSeconds, maxMessageSize, tlsRequired,
                maxConnectionsPerAddress, authenticationTimeoutSeconds, maxStatementLength, httpPort);
    }
}
