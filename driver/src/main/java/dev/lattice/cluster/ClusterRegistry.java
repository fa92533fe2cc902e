package dev.lattice.cluster;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters running in this JVM, by key: every connection to the same cluster shares one
 * {@link Cluster}, so a connection pool of Lattice connections shares its routing state.
 */
public final class ClusterRegistry {

    private static final Map<String, Cluster> CLUSTERS = new ConcurrentHashMap<>();

    private ClusterRegistry() {
    }

    /** The running cluster for this configuration, started on first use. */
    public static Cluster obtain(ClusterConfig config) throws SQLException {
        Cluster running = CLUSTERS.get(config.key());
        if (running != null) {
            return running;
        }
        synchronized (CLUSTERS) {
            running = CLUSTERS.get(config.key());
            if (running == null) {
                running = Cluster.start(config);
                CLUSTERS.put(config.key(), running);
            }
            return running;
        }
    }

    /** Stops a cluster and forgets it; the next connection starts it again. */
    public static void shutdown(String key) {
        Cluster cluster = CLUSTERS.remove(key);
        if (cluster != null) {
            cluster.close();
        }
    }
}
