package dev.lattice.testing;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh in-memory cluster of two replicas, each with its own injected apply delay. */
public final class LaggedCluster implements AutoCloseable {

    private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();

    private final String url;
    private final Cluster cluster;
    private final Connection admin;

    public LaggedCluster(String name, long replica1DelayMs, long replica2DelayMs) throws SQLException {
        this.url = "jdbc:lattice:mem:" + name + "-" + NEXT.incrementAndGet() + "?replicas=2";
        this.admin = DriverManager.getConnection(url);
        this.cluster = admin.unwrap(LatticeConnection.class).cluster();
        delay("replica1", replica1DelayMs);
        delay("replica2", replica2DelayMs);
    }

    public String url() {
        return url;
    }

    public Cluster cluster() {
        return cluster;
    }

    /** A new connection at the given level (as SET CONSISTENCY spells it). */
    public Connection connect(String level) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY " + level);
        }
        return c;
    }

    /** Runs DDL or setup with the admin connection, then waits until every replica has applied it. */
    public void execute(String... sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
        Await.caughtUp(cluster, java.time.Duration.ofSeconds(30));
    }

    public void delay(String replica, long millis) throws SQLException {
        alter("ALTER REPLICA " + replica + " SET DELAY " + millis);
    }

    /** Runs ALTER REPLICA statements, without waiting for anything. */
    public void alter(String... sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        admin.close();
        ClusterRegistry.shutdown(cluster.config().key());
    }
}
