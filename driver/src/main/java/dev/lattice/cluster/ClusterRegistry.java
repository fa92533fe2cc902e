package dev.lattice.cluster;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters running in this JVM, by key: every connection to the same cluster shares one
 * {@link Cluster}, so a connection pool of Lattice connections shares its routing state. When the
 * JVM exits (the end of main, System.exit, SIGTERM), the clusters still running are closed in
 * order, so replicas record what they applied and the next start goes on from there.
 */
public final class ClusterRegistry {

    private static final Map<String, Cluster> CLUSTERS = new ConcurrentHashMap<>();
    /** Tests only: false leaves the clusters as a process that dies without closing them would. */
    static volatile boolean closeOnExit = true;
    private static boolean exitHookAdded;

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
                addExitHook();
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

    /** Stops every cluster of this JVM, each in order (its appliers first, then its nodes). */
    public static void shutdownAll() {
        for (String key : List.copyOf(CLUSTERS.keySet())) {
            shutdown(key);
        }
    }

    /**
     * Once, with the first cluster: a JVM shutdown hook that closes the clusters still running.
     * File nodes are opened with H2's DB_CLOSE_ON_EXIT=FALSE, so H2 does not close them first.
     */
    private static void addExitHook() {
        if (exitHookAdded) {
            return;
        }
        exitHookAdded = true;
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (closeOnExit) {
                    shutdownAll();
                }
            }, "lattice-close-on-exit"));
        } catch (IllegalStateException e) {
            // the JVM is exiting already: the cluster about to start will not outlive it
        }
    }
}
