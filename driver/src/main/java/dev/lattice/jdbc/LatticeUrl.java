package dev.lattice.jdbc;

import dev.lattice.cluster.ClusterConfig;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A parsed {@code jdbc:lattice:} URL: {@code mem:<name>}, {@code file:<dir>} (each optionally
 * followed by H2 settings such as {@code ;NON_KEYWORDS=VALUE}) or {@code nodes}, then
 * {@code ?key=value&...} parameters that override the given properties.
 */
public final class LatticeUrl {

    public static final String PREFIX = "jdbc:lattice:";

    private final ClusterConfig cluster;
    private final Properties properties;

    private LatticeUrl(ClusterConfig cluster, Properties properties) {
        this.cluster = cluster;
        this.properties = properties;
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** Connection properties: the given ones, overridden by the URL's parameters. */
    public Properties properties() {
        return properties;
    }

    public static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    public static LatticeUrl parse(String url, Properties given) throws SQLException {
        if (!accepts(url)) {
            throw new SQLException("Not a Lattice URL: " + url, "08001");
        }
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String target = q < 0 ? rest : rest.substring(0, q);
        Properties props = new Properties();
        if (given != null) {
            given.forEach((k, v) -> props.setProperty(String.valueOf(k), String.valueOf(v)));
        }
        List<String> replicaUrls = new ArrayList<>();
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                LatticeProperty property = LatticeProperty.byKey(key);
                if (property == null) {
                    throw new SQLException("Unknown connection property '" + key + "' in " + url
                            + ": known properties are " + knownKeys(), "22023");
                }
                if (property == LatticeProperty.REPLICA) {
                    replicaUrls.add(value);
                } else {
                    props.setProperty(property.key(), value);
                }
            }
        }
        long retention = LatticeProperty.LOG_RETENTION.getLong(props, 16, Integer.MAX_VALUE);
        long lockTimeout = LatticeProperty.LOCK_TIMEOUT.getLong(props, 1, 3_600_000);
        String user = LatticeProperty.USER.get(props);
        String password = LatticeProperty.PASSWORD.get(props);
        ClusterConfig cluster;
        if (target.equals("nodes")) {
            String primary = props.getProperty(LatticeProperty.PRIMARY.key());
            if (primary == null || primary.isBlank()) {
                throw new SQLException("jdbc:lattice:nodes needs primary=<H2 or PostgreSQL JDBC URL>", "22023");
            }
            cluster = config(() -> ClusterConfig.nodes(primary, replicaUrls, user, password, retention, lockTimeout));
        } else {
            ClusterConfig.Kind kind;
            if (target.startsWith("mem:")) {
                kind = ClusterConfig.Kind.MEM;
            } else if (target.startsWith("file:")) {
                kind = ClusterConfig.Kind.FILE;
            } else {
                throw new SQLException("Unknown Lattice URL form '" + url + "': expected jdbc:lattice:mem:<name>, "
                        + "jdbc:lattice:file:<dir> or jdbc:lattice:nodes?primary=...", "08001");
            }
            String spec = target.substring(target.indexOf(':') + 1);
            int semicolon = spec.indexOf(';');
            String location = semicolon < 0 ? spec : spec.substring(0, semicolon);
            String h2Settings = semicolon < 0 ? "" : spec.substring(semicolon);
            if (location.isEmpty()) {
                throw new SQLException("The Lattice URL " + url + " names no cluster", "08001");
            }
            int replicas = (int) LatticeProperty.REPLICAS.getLong(props, 0, 64);
            cluster = config(() -> ClusterConfig.embedded(kind, location, replicas, h2Settings, user, password,
                    retention, lockTimeout));
        }
        int poolSize = (int) LatticeProperty.NODE_POOL_SIZE.getLong(props, 1, 10_000);
        long pollMillis = LatticeProperty.POLL_INTERVAL.getLong(props, 1, 60_000);
        long maxLag = LatticeProperty.MAX_REPLICA_LAG.getLong(props, 0, Long.MAX_VALUE);
        int chunk = (int) LatticeProperty.APPLY_CHUNK.getLong(props, 0, 100_000);
        return new LatticeUrl(cluster.withNodeSettings(poolSize, pollMillis).withMaxReplicaLag(maxLag)
                .withApplyChunk(chunk), props);
    }

    private interface ConfigMaker {
        ClusterConfig make();
    }

    private static ClusterConfig config(ConfigMaker maker) throws SQLException {
        try {
            return maker.make();
        } catch (IllegalArgumentException e) {
            throw new SQLException(e.getMessage(), "22023", e);
        }
    }

    private static String decode(String value) {
        return value.indexOf('%') < 0 ? value : URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String knownKeys() {
        List<String> keys = new ArrayList<>();
        for (LatticeProperty p : LatticeProperty.values()) {
            keys.add(p.key());
        }
        return String.join(", ", keys);
    }
}
