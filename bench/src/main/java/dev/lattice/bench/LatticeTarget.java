package dev.lattice.bench;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-memory Lattice cluster of its own ({@code jdbc:lattice:mem:<cluster>?replicas=n}, or with
 * its replicas on an H2 server in another process), whose sessions start at one consistency level.
 * Each target names a distinct cluster, since a cluster is shared JVM-wide by name.
 */
public final class LatticeTarget implements Target {

    private final String name;
    private final String url;
    /** The replicas' server of a {@link #withRemoteReplicas} target, else null. */
    private final ReplicaServer server;
    private Connection admin;

    /**
     * @param consistency the {@code consistency} property, e.g. {@code BOUNDED_STALENESS 100 MS}; null
     *     for the driver's default
     * @param extra further URL parameters ({@code &key=value...}), or ""
     */
    public LatticeTarget(String name, String cluster, int replicas, String consistency, String extra) {
        this.name = name;
        StringBuilder u = new StringBuilder("jdbc:lattice:mem:").append(cluster).append("?replicas=").append(replicas);
        if (consistency != null) {
            u.append("&consistency=").append(URLEncoder.encode(consistency, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        this.url = u.append(extra).toString();
        this.server = null;
    }

    private LatticeTarget(String name, String url, ReplicaServer server) {
        this.name = name;
        this.url = url;
        this.server = server;
    }

    /**
     * A cluster whose primary is embedded here and whose replicas are in-memory databases of an H2
     * server in a child JVM ({@code jdbc:lattice:nodes?...}), at one consistency level.
     */
    static LatticeTarget withRemoteReplicas(String name, String cluster, int replicas, String consistency) {
        ReplicaServer server;
        try {
            server = ReplicaServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder u = new StringBuilder("jdbc:lattice:nodes?primary=jdbc:h2:mem:").append(cluster)
                .append(";DB_CLOSE_DELAY=-1");
        for (int i = 1; i <= replicas; i++) {
            u.append("&replica=").append(server.url(cluster + "-r" + i));
        }
        u.append("&consistency=").append(URLEncoder.encode(consistency, StandardCharsets.UTF_8).replace("+", "%20"));
        return new LatticeTarget(name, u.toString(), server);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return url;
    }

    @Override
    public Connection open() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** The running cluster behind this target (started by the first connection). */
    public Cluster cluster() throws SQLException {
        if (admin == null) {
            admin = open();
        }
        return admin.unwrap(LatticeConnection.class).cluster();
    }

    @Override
    public Settled settle(long timeoutMillis) throws SQLException {
        Cluster cluster = cluster();
        long start = System.nanoTime();
        long committed = cluster.committedLsn();
        long backlog = 0;
        for (Replica r : cluster.h2().replicas()) {
            backlog = Math.max(backlog, committed - r.applied());
        }
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        boolean caughtUp = backlog == 0;
        while (!caughtUp && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(100_000);
            caughtUp = true;
            for (Replica r : cluster.h2().replicas()) {
                caughtUp &= r.applied() >= committed;
            }
        }
        return new Settled(backlog, (System.nanoTime() - start) / 1e6, caughtUp);
    }

    @Override
    public void close() {
        try {
            String key = cluster().config().key();
            admin.close();
            admin = null;
            ClusterRegistry.shutdown(key);
        } catch (SQLException ignored) {
            // never started
        }
        if (server != null) {
            server.close();
        }
    }
}
