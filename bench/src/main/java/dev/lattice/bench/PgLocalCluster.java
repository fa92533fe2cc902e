package dev.lattice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL primary and two hot standbys for {@code --postgres}, started with
 * {@code bin/pg-local-cluster} on free loopback ports in a temporary folder, and stopped and deleted
 * on {@link #close()} (also from a shutdown hook, so an interrupted run leaves no servers behind).
 */
final class PgLocalCluster implements AutoCloseable {

    static final String USER = "lattice";
    static final String PASSWORD = "lattice";
    private static final int STANDBYS = 2;

    private final Path script;
    private final Path dir;
    private final int portBase;
    private final Thread shutdownHook = new Thread(this::close, "pg-local-cluster-stop");
    private boolean closed;

    private PgLocalCluster(Path script, Path dir, int portBase) {
        this.script = script;
        this.dir = dir;
        this.portBase = portBase;
    }

    /** Starts the cluster and waits until the standbys stream from the primary; fails with the script's output. */
    static PgLocalCluster start(Path script, java.io.PrintStream log) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("lattice-bench-pg-");
        PgLocalCluster cluster = new PgLocalCluster(script, dir, freePortBase());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        long began = System.nanoTime();
        try {
            String out = cluster.script("start");
            if (out == null) {
                throw new IOException("bin/pg-local-cluster did not start within 120 s (folder " + dir + ")");
            }
            log.printf("PostgreSQL primary on 127.0.0.1:%d, standbys on %d and %d, under %s (%d ms)%n",
                    cluster.portBase, cluster.portBase + 1, cluster.portBase + 2, dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * {@code bin/pg-local-cluster} of the checkout: found from the working folder (the checkout's root,
     * or one of its modules, as when Maven runs the tests).
     */
    static Path findScript() {
        for (Path p : List.of(Path.of("bin", "pg-local-cluster"), Path.of("..", "bin", "pg-local-cluster"))) {
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalArgumentException("--postgres needs bin/pg-local-cluster: run from the checkout's root "
                + "or name the script with --pg-script PATH");
    }

    /** Three consecutive free loopback ports. */
    private static int freePortBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
            if (free(base) && free(base + 1) && free(base + 2)) {
                return base;
            }
        }
        throw new IOException("found no three consecutive free ports between 20000 and 40000");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs the script; its output, or null if it timed out; throws with the output if it failed. */
    private String script(String action) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(script.toString(), action, dir.toString()).redirectErrorStream(true);
        pb.environment().put("PORT_BASE", Integer.toString(portBase));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("bin/pg-local-cluster " + action + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    String primaryUrl() {
        return nodeUrl(0);
    }

    String nodeUrl(int node) {
        return "jdbc:postgresql://127.0.0.1:" + (portBase + node) + "/lattice";
    }

    /** The {@code jdbc:lattice:nodes} URL over the primary and both standbys, with a further parameter string. */
    String latticeUrl(String extra) {
        StringBuilder u = new StringBuilder("jdbc:lattice:nodes?primary=").append(encode(primaryUrl()));
        for (int i = 1; i <= STANDBYS; i++) {
            u.append("&replica=").append(encode(nodeUrl(i)));
        }
        return u.append("&user=").append(USER).append("&password=").append(PASSWORD).append(extra).toString();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Connection open(int node) throws SQLException {
        return DriverManager.getConnection(nodeUrl(node), USER, PASSWORD);
    }

    /**
     * Waits (at most the timeout) until both standbys have replayed everything the primary has flushed;
     * what {@link Target#settle} reports for every target of the cluster.
     */
    Target.Settled settle(long timeoutMillis) throws SQLException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try (Connection primary = open(0); Connection s1 = open(1); Connection s2 = open(2)) {
            long target = lsn(primary, "SELECT pg_current_wal_flush_lsn() - '0/0'::pg_lsn");
            long backlog = 0;
            boolean caughtUp = false;
            boolean first = true;
            while (true) {
                long slowest = Math.min(replayed(s1), replayed(s2));
                if (first) {
                    backlog = Math.max(0, target - slowest);
                    first = false;
                }
                if (slowest >= target) {
                    caughtUp = true;
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            return new Target.Settled(backlog, (System.nanoTime() - start) / 1e6, caughtUp);
        }
    }

    private static long replayed(Connection standby) throws SQLException {
        return lsn(standby, "SELECT coalesce(pg_last_wal_replay_lsn() - '0/0'::pg_lsn, 0)");
    }

    private static long lsn(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1).longValueExact();
        }
    }

    /**
     * CPU ticks used so far by the cluster's server processes: each postmaster's own and its reaped
     * children's (connections that ended), plus its live children's. Lets a run tell the CPU its
     * PostgreSQL servers took from what other jobs on the machine took.
     */
    long cpuTicks() {
        List<Long> postmasters = new ArrayList<>();
        for (String node : List.of("primary", "standby1", "standby2")) {
            try {
                postmasters.add(Long.parseLong(Files.readAllLines(dir.resolve(node).resolve("postmaster.pid")).get(0)
                        .trim()));
            } catch (IOException | RuntimeException e) {
                // not running
            }
        }
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                String[] f = stat(p);
                if (f == null) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long ppid = Long.parseLong(f[1]);
                if (postmasters.contains(pid)) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                            + Long.parseLong(f[14]);
                } else if (postmasters.contains(ppid)) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks;
    }

    /** The fields of /proc/PID/stat after the command name (state first), or null if it is gone. */
    private static String[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"));
            return s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** ALTER SYSTEM SET name = 'value' on every node, then reloads their configuration. */
    void configure(List<String> settings) throws SQLException {
        for (int node = 0; node <= STANDBYS; node++) {
            try (Connection c = open(node); Statement s = c.createStatement()) {
                for (String setting : settings) {
                    int eq = setting.indexOf('=');
                    s.execute("ALTER SYSTEM SET " + setting.substring(0, eq) + " = '" + setting.substring(eq + 1) + "'");
                }
                s.execute("SELECT pg_reload_conf()");
            }
        }
    }

    /** Stops the servers and deletes their folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
        try {
            script("stop");
        } catch (IOException e) {
            System.err.println("could not stop the PostgreSQL cluster under " + dir + ": " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // left in the temporary folder
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL primary 127.0.0.1:" + portBase + " + 2 standbys under " + dir;
    }
}
