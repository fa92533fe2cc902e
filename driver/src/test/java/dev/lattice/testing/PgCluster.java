package dev.lattice.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** A PostgreSQL primary and its hot standbys (streaming replication) on free loopback ports, for tests. */
public final class PgCluster implements AutoCloseable {

    public static final String USER = "lattice";
    public static final String PASSWORD = "lattice";
    public static final String DATABASE = "lattice";

    private static final Path DEBIAN_PG15 = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path root;
    private final boolean asPostgresUser;
    private final int[] ports;
    private final Thread shutdownHook = new Thread(this::close, "pg-cluster-shutdown");
    private volatile int primary;
    private boolean closed;
    private final Set<Integer> frozen = ConcurrentHashMap.newKeySet();

    private PgCluster(Path bin, int standbys) throws IOException {
        this.bin = bin;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
        this.ports = freePorts(standbys + 1);
        this.root = Files.createTempDirectory("lattice-pg-");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        ownByServerUser(root);
        for (int node = 0; node < ports.length; node++) {
            ownByServerUser(Files.createDirectory(nodeDir(node)));
        }
    }

    /** Starts a primary (node 0) and {@code standbys} hot standbys (nodes 1..n) and waits until all accept connections. */
    public static PgCluster start(int standbys) {
        Path bin = serverBinaries();
        long started = System.nanoTime();
        PgCluster cluster;
        try {
            cluster = new PgCluster(bin, standbys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            cluster.createPrimary();
            cluster.createStandbys();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        System.out.printf("PgCluster: primary + %d standbys (%s) ready in %d ms%n",
                standbys, bin, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return cluster;
    }

    /** A primary and two standbys. */
    public static PgCluster start() {
        return start(2);
    }

    /** The server binaries: Debian's PostgreSQL 15, else the newest /usr/lib/postgresql/VERSION/bin with initdb. */
    public static Optional<Path> findServerBinaries() {
        if (Files.isExecutable(DEBIAN_PG15.resolve("initdb"))) {
            return Optional.of(DEBIAN_PG15);
        }
        Path versions = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(versions)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(versions)) {
            return dirs.map(dir -> dir.resolve("bin"))
                    .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
                    .max(Comparator.comparingDouble(PgCluster::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Path serverBinaries() {
        Optional<Path> bin = findServerBinaries();
        String missing = "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb); "
                + "install them with: apt-get install postgresql-15";
        if (bin.isEmpty() && System.getenv("CI") != null) {
            throw new IllegalStateException(missing + " (CI is set, so the PostgreSQL tests must not be skipped)");
        }
        assumeTrue(bin.isPresent(), missing);
        return bin.get();
    }

    private static double majorVersion(Path bin) {
        try {
            return Double.parseDouble(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** How many standbys the cluster started with (nodes 1..standbys()). */
    public int standbys() {
        return ports.length - 1;
    }

    /** The loopback port of a node: 0 is the initial primary, 1..n the standbys. */
    public int port(int node) {
        return ports[checkNode(node)];
    }

    /** The JDBC URL of a node (no credentials: user and password are {@link #USER} and {@link #PASSWORD}). */
    public String url(int node) {
        return "jdbc:postgresql://127.0.0.1:" + port(node) + "/" + DATABASE;
    }

    /** The URL of node 0, the configured primary (after a {@link #promote} it is no longer the one taking writes). */
    public String primaryUrl() {
        return url(0);
    }

    /** The URL of standby {@code i}, 1-based. */
    public String standbyUrl(int i) {
        return url(checkStandby(i));
    }

    /** {@code jdbc:lattice:nodes?primary=...&replica=...} over this cluster (SPEC §5). */
    public String latticeUrl() {
        StringBuilder url = new StringBuilder("jdbc:lattice:nodes?primary=").append(encode(primaryUrl()));
        for (int i = 1; i <= standbys(); i++) {
            url.append("&replica=").append(encode(standbyUrl(i)));
        }
        return url.append("&user=").append(USER).append("&password=").append(PASSWORD).toString();
    }

    /** The node that takes writes now: 0 until a standby is promoted. */
    public int primary() {
        return primary;
    }

    /** A new connection to a node's database as {@link #USER}. */
    public Connection connect(int node) throws SQLException {
        return DriverManager.getConnection(url(node), USER, PASSWORD);
    }

    /** Fast shutdown: sessions are ended, WAL is flushed and sent to the standbys. */
    public void stop(int node) {
        pgCtl(node, "stop", "-m", "fast");
    }

    /** A crash: SIGKILL to the postmaster and every process it started, then waits until they are gone. */
    public void kill(int node) {
        ProcessHandle postmaster = postmaster(node)
                .orElseThrow(() -> new IllegalStateException("node " + node + " is not running"));
        List<ProcessHandle> processes = new ArrayList<>(List.of(postmaster));
        processes.addAll(postmaster.descendants().toList());
        // the postmaster first, so that it starts no more; each child is in a process group of its own
        processes.forEach(ProcessHandle::destroyForcibly);
        Await.until("node " + node + "'s processes to exit after SIGKILL", TIMEOUT,
                () -> processes.stream().noneMatch(ProcessHandle::isAlive));
        releaseSharedMemory(node);
    }

    /**
     * Freezes a running node: SIGSTOP to the postmaster and every process it started. Its sockets
     * stay open and it answers nothing, as a hung or cut-off server. {@link #thaw} resumes it; close() does too.
     */
    public void freeze(int node) {
        signalAll(node, "-STOP");
        frozen.add(node);
    }

    /** Resumes a frozen node (SIGCONT). */
    public void thaw(int node) {
        signalAll(node, "-CONT");
        frozen.remove(node);
    }

    private void signalAll(int node, String signal) {
        ProcessHandle postmaster = postmaster(node)
                .orElseThrow(() -> new IllegalStateException("node " + node + " is not running"));
        List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(postmaster.pid())));
        postmaster.descendants().forEach(p -> command.add(Long.toString(p.pid())));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a stopped or killed node ({@code start(int)} is taken by the factory) and waits until it accepts connections. */
    public void startNode(int node) {
        pgCtl(node, "start", "-l", logFile(node).toString());
        awaitAccepting(node);
    }

    /** Fast shutdown, then start. */
    public void restart(int node) {
        stop(node);
        startNode(node);
    }

    /** Ends recovery on a standby ({@code pg_ctl promote -w}): it takes writes on a new timeline. */
    public void promote(int standby) {
        checkStandby(standby);
        pgCtl(standby, "promote");
        primary = standby;
    }

    /** Re-points a standby to stream from another node, and waits until it does. */
    public void follow(int standby, int newPrimary) {
        checkStandby(standby);
        try (Connection c = connect(standby); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET primary_conninfo = '" + primaryConninfo(standby, newPrimary) + "'");
            s.execute("SELECT pg_reload_conf()");
            awaitStreaming(s, standby, newPrimary);
        } catch (SQLException e) {
            throw new IllegalStateException("could not re-point node " + standby + " to node " + newPrimary, e);
        }
    }

    /**
     * Rebuilds a stopped or killed node as a standby of another (a fresh base backup of it, as an
     * operator does after a failover instead of pg_rewind), starts it and waits until it streams.
     */
    public void rejoinAsStandby(int node, int newPrimary) {
        if (postmaster(node).isPresent()) {
            throw new IllegalStateException("node " + node + " is running: stop or kill it first");
        }
        try {
            deleteTree(dataDir(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        createStandby(node, newPrimary);
        try (Connection c = connect(node); Statement s = c.createStatement()) {
            awaitStreaming(s, node, newPrimary);
        } catch (SQLException e) {
            throw new IllegalStateException("node " + node + " did not come back as a standby", e);
        }
    }

    /** Stops a standby's WAL receiver ({@code primary_conninfo = ''}): it stays readable and receives nothing new. */
    public void stopStreaming(int standby) {
        checkStandby(standby);
        try (Connection c = connect(standby); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET primary_conninfo = ''");
            s.execute("SELECT pg_reload_conf()");
            Await.until("node " + standby + " to stop streaming", TIMEOUT, () -> !receives(s));
        } catch (SQLException e) {
            throw new IllegalStateException("could not stop node " + standby + " streaming", e);
        }
    }

    /** Waits until the standby has replayed the WAL the primary had written when this was called. */
    public void awaitReplayed(int standby, Duration timeout) {
        checkStandby(standby);
        String target;
        try (Connection c = connect(primary); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            target = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the WAL position of the primary, node " + primary, e);
        }
        try (Connection c = connect(standby);
                PreparedStatement replayed = c.prepareStatement("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
            replayed.setString(1, target);
            Await.until("node " + standby + " to replay WAL up to " + target, timeout, () -> isTrue(replayed));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the replay position of node " + standby, e);
        }
    }

    /** Stops every node (immediate shutdown: their files go next) and deletes their files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int node : List.copyOf(frozen)) {
            thaw(node); // a frozen postmaster would not act on the stop below
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway, and finds this closed
            }
        }
        for (int node = 0; node < ports.length; node++) {
            if (postmaster(node).isPresent()) {
                try {
                    pgCtl(node, "stop", "-m", "immediate");
                } catch (RuntimeException e) {
                    System.err.println("PgCluster: " + e.getMessage());
                }
            }
        }
        try {
            deleteTree(root);
        } catch (IOException e) {
            System.err.println("PgCluster: could not delete " + root + ": " + e);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> files = Files.walk(top)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    private void createPrimary() {
        Path data = dataDir(0);
        run(0, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync",
                "--no-instructions"));
        append(data.resolve("postgresql.conf"), """
                # PgCluster (keep in step with bin/pg-local-cluster)
                listen_addresses = '127.0.0.1'
                max_connections = 100
                shared_buffers = 32MB
                wal_level = replica
                max_wal_senders = 10
                wal_keep_size = '256MB'
                hot_standby = on
                hot_standby_feedback = on
                wal_receiver_status_interval = '1s'
                wal_retrieve_retry_interval = '100ms'
                recovery_init_sync_method = syncfs
                log_min_messages = warning
                """ + nodeSettings(0));
        write(data.resolve("pg_hba.conf"), """
                # PgCluster: passwords over TCP; trust for replication on loopback and for postgres on the socket
                local   all           postgres                  trust
                host    all           all         127.0.0.1/32  scram-sha-256
                host    replication   all         127.0.0.1/32  trust
                """);
        pgCtl(0, "start", "-l", logFile(0).toString());
        run(0, List.of(bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", nodeDir(0).toString(), "-p", Integer.toString(port(0)), "-U", "postgres", "-d", "postgres",
                "-c", "CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'",
                "-c", "CREATE DATABASE " + DATABASE + " OWNER " + USER));
        awaitAccepting(0);
    }

    /** A base backup of node {@code from} as node {@code node}, started as its standby. */
    private void createStandby(int node, int from) {
        Path data = dataDir(node);
        run(node, List.of(bin.resolve("pg_basebackup").toString(), "-d", primaryConninfo(node, from),
                "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"));
        append(data.resolve("postgresql.conf"), nodeSettings(node));
        startNode(node);
    }

    /** Creates the standbys at once: their base backups and starts overlap. */
    private void createStandbys() {
        Executor threadEach = task -> new Thread(task, "pg-cluster-standby").start();
        CompletableFuture<?>[] standbys = IntStream.rangeClosed(1, standbys())
                .mapToObj(node -> CompletableFuture.runAsync(() -> createStandby(node, 0), threadEach))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(standbys).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private String nodeSettings(int node) {
        return "port = " + port(node) + "\nunix_socket_directories = '" + nodeDir(node) + "'\n";
    }

    private String primaryConninfo(int standby, int primaryNode) {
        return "host=127.0.0.1 port=" + port(primaryNode) + " user=postgres application_name=node" + standby;
    }

    private void awaitAccepting(int node) {
        Await.until("node " + node + " to accept connections on port " + port(node), TIMEOUT, () -> {
            try (Connection c = connect(node)) {
                return c.isValid(1);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    private void awaitStreaming(Statement standby, int node, int from) {
        Await.until("node " + node + " to stream from node " + from, TIMEOUT, () -> streamsFrom(standby, port(from)));
    }

    private static boolean streamsFrom(Statement s, int port) {
        try (ResultSet rs = s.executeQuery("SELECT status = 'streaming' AND sender_port = " + port
                + " FROM pg_stat_wal_receiver")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean receives(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_wal_receiver WHERE pid IS NOT NULL")) {
            return rs.next() && rs.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isTrue(PreparedStatement query) {
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pgCtl(int node, String action, String... options) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), action,
                "-D", dataDir(node).toString(), "-w", "-t", Long.toString(TIMEOUT.toSeconds())));
        command.addAll(List.of(options));
        run(node, command);
    }

    /**
     * Removes the System V segment a killed server leaves behind: the next start of the node would reuse
     * its id, but a node that is never started again would leak it for the life of the machine.
     */
    private void releaseSharedMemory(int node) {
        try {
            List<String> pidFile = Files.readAllLines(dataDir(node).resolve("postmaster.pid"));
            String[] keyAndId = pidFile.size() > 6 ? pidFile.get(6).trim().split("\\s+") : new String[0];
            if (keyAndId.length == 2) {
                run(node, List.of("ipcrm", "-m", keyAndId[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running postmaster of a node, from its postmaster.pid. */
    private Optional<ProcessHandle> postmaster(int node) {
        Path pidFile = dataDir(node).resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Runs a command (as the postgres OS user when this JVM is root); fails with its output and the log's end. */
    private void run(int node, List<String> command) {
        List<String> argv = new ArrayList<>();
        if (asPostgresUser) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.addAll(command);
        try {
            Path output = Files.createTempFile(root, "command-", ".out");
            Process process = new ProcessBuilder(argv).directory(root.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean exited = process.waitFor(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String printed = Files.readString(output);
            Files.delete(output);
            if (!exited || process.exitValue() != 0) {
                throw new IllegalStateException("node " + node + ": `" + String.join(" ", argv) + "` "
                        + (exited ? "exited with " + process.exitValue() : "did not finish within " + TIMEOUT)
                        + "\n" + printed + logTail(node));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("node " + node + ": could not run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + argv, e);
        }
    }

    private String logTail(int node) {
        try {
            List<String> lines = Files.readAllLines(logFile(node));
            List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
            return "--- end of " + logFile(node) + " ---\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "(no server log at " + logFile(node) + ")";
        }
    }

    private Path nodeDir(int node) {
        return root.resolve("node" + node);
    }

    private Path dataDir(int node) {
        return nodeDir(checkNode(node)).resolve("data");
    }

    private Path logFile(int node) {
        return nodeDir(node).resolve("server.log");
    }

    private int checkStandby(int node) {
        if (node < 1 || node > standbys()) {
            throw new IllegalArgumentException("standby " + node + " does not exist: standbys are 1.." + standbys());
        }
        return node;
    }

    private int checkNode(int node) {
        if (node < 0 || node >= ports.length) {
            throw new IllegalArgumentException("node " + node + " does not exist: nodes are 0.." + (ports.length - 1));
        }
        return node;
    }

    private void ownByServerUser(Path path) throws IOException {
        if (asPostgresUser) {
            UserPrincipal postgres;
            try {
                postgres = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            } catch (IOException e) {
                throw new IllegalStateException("running as root, PgCluster runs PostgreSQL as the OS user postgres, "
                        + "which does not exist (the postgresql-15 package creates it)", e);
            }
            Files.setOwner(path, postgres);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String url) {
        return URLEncoder.encode(url, StandardCharsets.UTF_8);
    }

    /** Distinct ports, all free at the same moment. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
