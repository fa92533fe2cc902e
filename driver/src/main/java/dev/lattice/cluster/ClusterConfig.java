package dev.lattice.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a cluster is made of, validated once and then frozen: where its nodes live (in memory,
 * in files, or existing H2 servers), the credentials Lattice uses on them, and how much log it
 * retains.
 */
public final class ClusterConfig {

    /** Where the nodes live: created by Lattice (MEM, FILE), existing H2 databases, or a PostgreSQL primary and standbys. */
    public enum Kind { MEM, FILE, NODES, POSTGRES }

    private final Kind kind;
    private final String location;
    private final String primaryUrl;
    private final List<String> replicaUrls;
    private final String user;
    private final String password;
    private final long logRetention;
    private final long lockTimeoutMillis;
    private int nodePoolSize = 50;
    private long maxReplicaLag = 10_000;
    private int applyChunk;
    private long pollIntervalMillis = 5;
    private NodeSetup nodeSetup = NodeSetup.NONE;

    private ClusterConfig(Kind kind, String location, String primaryUrl, List<String> replicaUrls, String user,
                          String password, long logRetention, long lockTimeoutMillis) {
        this.kind = kind;
        this.location = location;
        this.primaryUrl = primaryUrl;
        this.replicaUrls = List.copyOf(replicaUrls);
        this.user = user;
        this.password = password;
        this.logRetention = logRetention;
        this.lockTimeoutMillis = lockTimeoutMillis;
    }

    /**
     * An in-memory or file cluster created by Lattice.
     *
     * @param location the cluster name (MEM) or directory (FILE)
     * @param h2Settings H2 URL settings for every node, such as {@code ;NON_KEYWORDS=VALUE}, or ""
     */
    public static ClusterConfig embedded(Kind kind, String location, int replicas, String h2Settings, String user,
                                         String password, long logRetention, long lockTimeoutMillis) {
        if (kind == Kind.NODES) {
            throw new IllegalArgumentException("use ClusterConfig.nodes for existing H2 servers");
        }
        if (replicas < 0 || replicas > 64) {
            throw new IllegalArgumentException("replicas must be between 0 and 64, not " + replicas);
        }
        String primary = nodeUrl(kind, location, "primary", h2Settings);
        List<String> replicaUrls = new java.util.ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            replicaUrls.add(nodeUrl(kind, location, "replica" + i, h2Settings));
        }
        String key = kind == Kind.FILE ? Path.of(location).toAbsolutePath().normalize().toString() : location;
        return new ClusterConfig(kind, key, primary, replicaUrls, user, password, check(logRetention), lockTimeoutMillis);
    }

    /**
     * A cluster over nodes that already exist, reached by their JDBC URLs: H2 databases
     * ({@code jdbc:h2:...}) that Lattice replicates, or a PostgreSQL primary and its streaming
     * standbys ({@code jdbc:postgresql:...}), never a mix.
     */
    public static ClusterConfig nodes(String primaryUrl, List<String> replicaUrls, String user, String password,
                                      long logRetention, long lockTimeoutMillis) {
        Objects.requireNonNull(primaryUrl, "primary");
        boolean postgres = primaryUrl.startsWith(POSTGRES_PREFIX);
        for (String url : concat(primaryUrl, replicaUrls)) {
            if (postgres != url.startsWith(POSTGRES_PREFIX) || !postgres && !url.startsWith("jdbc:h2:")) {
                throw new IllegalArgumentException("node URLs must all be H2 JDBC URLs (jdbc:h2:...) or all "
                        + "PostgreSQL JDBC URLs (jdbc:postgresql://...), not " + url);
            }
        }
        return new ClusterConfig(postgres ? Kind.POSTGRES : Kind.NODES, primaryUrl, primaryUrl, replicaUrls, user,
                password, check(logRetention), lockTimeoutMillis);
    }

    private static final String POSTGRES_PREFIX = "jdbc:postgresql:";

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static long check(long logRetention) {
        if (logRetention < 16) {
            throw new IllegalArgumentException("logRetention must be at least 16 transactions, not " + logRetention);
        }
        return logRetention;
    }

    private static String nodeUrl(Kind kind, String location, String node, String h2Settings) {
        if (kind == Kind.MEM) {
            return "jdbc:h2:mem:lattice-" + location + "-" + node + ";DB_CLOSE_DELAY=-1" + h2Settings;
        }
        String dir = Path.of(location).toAbsolutePath().normalize().toString();
        // WRITE_DELAY=0: a commit reaches the file before it is acknowledged, so a killed process loses none.
        // DB_CLOSE_ON_EXIT=FALSE: H2's own exit hook would close the files under the appliers; Lattice's
        // (ClusterRegistry) closes the cluster in order instead, so its replicas go on from their records.
        String onExit = urlSetting(h2Settings, "DB_CLOSE_ON_EXIT") != null ? "" : ";DB_CLOSE_ON_EXIT=FALSE";
        return "jdbc:h2:file:" + dir + "/" + node + (node.equals("primary") ? ";WRITE_DELAY=0" : "") + onExit
                + h2Settings;
    }

    /** The value of an H2 setting given in a URL or in its settings ({@code ;NAME=value}, any case), or null. */
    public static String urlSetting(String url, String name) {
        String[] parts = url.split(";");
        String found = null;
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0 && parts[i].substring(0, eq).trim().toUpperCase(Locale.ROOT).equals(name)) {
                found = parts[i].substring(eq + 1);
            }
        }
        return found;
    }

    /**
     * Settings of clusters whose nodes Lattice reaches through pools and polls (PostgreSQL).
     *
     * @param nodePoolSize the most connections to one node (each session holds one per node it uses)
     * @param pollIntervalMillis how often a node's position is polled when no read is waiting
     */
    public ClusterConfig withNodeSettings(int nodePoolSize, long pollIntervalMillis) {
        ClusterConfig copy = new ClusterConfig(kind, location, primaryUrl, replicaUrls, user, password, logRetention,
                lockTimeoutMillis);
        copy.nodePoolSize = nodePoolSize;
        copy.pollIntervalMillis = pollIntervalMillis;
        copy.maxReplicaLag = maxReplicaLag;
        copy.applyChunk = applyChunk;
        copy.nodeSetup = nodeSetup;
        return copy;
    }

    /** H2 clusters: what every node must hold besides the data (see {@link NodeSetup}). */
    public ClusterConfig withNodeSetup(NodeSetup setup) {
        ClusterConfig copy = withNodeSettings(nodePoolSize, pollIntervalMillis);
        copy.nodeSetup = setup;
        return copy;
    }

    public NodeSetup nodeSetup() {
        return nodeSetup;
    }

    /** H2 clusters: how many LSNs the slowest healthy replica may lag before commits wait (0: no limit). */
    public ClusterConfig withMaxReplicaLag(long maxReplicaLag) {
        ClusterConfig copy = withNodeSettings(nodePoolSize, pollIntervalMillis);
        copy.maxReplicaLag = maxReplicaLag;
        return copy;
    }

    public long maxReplicaLag() {
        return maxReplicaLag;
    }

    /**
     * H2 clusters: the most transactions an applier commits on its replica at once, letting other
     * threads run between two such commits; 0 for all it finds (up to its batch of 256).
     */
    public ClusterConfig withApplyChunk(int applyChunk) {
        ClusterConfig copy = withNodeSettings(nodePoolSize, pollIntervalMillis);
        copy.applyChunk = applyChunk;
        return copy;
    }

    public int applyChunk() {
        return applyChunk;
    }

    public int nodePoolSize() {
        return nodePoolSize;
    }

    public long pollIntervalMillis() {
        return pollIntervalMillis;
    }

    public Kind kind() {
        return kind;
    }

    /** What identifies the cluster within this JVM: name, directory, or primary URL. */
    public String key() {
        return kind + ":" + location;
    }

    public String primaryUrl() {
        return primaryUrl;
    }

    public List<String> replicaUrls() {
        return replicaUrls;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public long logRetention() {
        return logRetention;
    }

    public long lockTimeoutMillis() {
        return lockTimeoutMillis;
    }

    /** Whether the nodes are a PostgreSQL primary and its standbys. */
    public boolean postgres() {
        return kind == Kind.POSTGRES;
    }

    /** Whether the log must survive a restart (the primary is not in memory). */
    public boolean durable() {
        return kind != Kind.MEM;
    }
}
