package dev.lattice.locking;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Two sessions on a fresh cluster, and a way to run a step that may block on a lock in the background. */
final class TwoSessions implements AutoCloseable {

    private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();

    final String url;
    final Connection t1;
    final Connection t2;
    final Cluster cluster;
    private volatile Thread backgroundThread;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "second-transaction");
        backgroundThread = t;
        return t;
    });

    TwoSessions(String name, String level, String... setup) throws SQLException {
        url = "jdbc:lattice:mem:" + name + "-" + NEXT.incrementAndGet() + "?replicas=2&consistency=" + level
                + "&lockTimeout=5000";
        t1 = DriverManager.getConnection(url);
        t2 = DriverManager.getConnection(url);
        cluster = t1.unwrap(LatticeConnection.class).cluster();
        try (Statement s = t1.createStatement()) {
            for (String sql : setup) {
                s.execute(sql);
            }
        }
        t1.setAutoCommit(false);
        t2.setAutoCommit(false);
    }

    static long query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** Runs a step in the background; returns once it has finished or is blocked (on a lock, or in H2). */
    Future<Object> inBackground(Step step) {
        Future<Object> f = background.submit(() -> {
            step.run();
            return null;
        });
        Await.until("the step to finish or block", Duration.ofSeconds(10), () -> f.isDone() || blocked());
        return f;
    }

    private boolean blocked() {
        Thread t = backgroundThread;
        return waitingLocks() > 0 || (t != null && t.getState() == Thread.State.TIMED_WAITING);
    }

    long waitingLocks() {
        try (ResultSet rs = cluster.lockManager().show()) {
            long n = 0;
            while (rs.next()) {
                n += rs.getString("STATE").equals("WAITING") ? 1 : 0;
            }
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object outcome(Future<Object> f) throws Exception {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    /** A step of a transaction. */
    interface Step {
        void run() throws Exception;
    }

    @Override
    public void close() throws SQLException {
        background.shutdownNow();
        t1.close();
        t2.close();
        ClusterRegistry.shutdown(cluster.config().key());
    }
}
