package dev.lattice.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An H2 TCP server in a child JVM on loopback, with this JVM's classpath (so it has the Lattice
 * driver's classes and applies each batch of transactions itself, through LATTICE.APPLY_ROWS):
 * where the {@code 2r-remote-*} configurations keep their replicas.
 */
final class ReplicaServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private ReplicaServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ReplicaServer start() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.h2.tools.Server",
                "-tcp", "-tcpPort", String.valueOf(port), "-ifNotExists").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.contains("TCP server running")) {
            // the server's banner comes first
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IOException("The replicas' H2 server (port " + port + ") ended before it listened");
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException ended) {
                // the server is gone
            }
        }, "replica-server-output");
        drain.setDaemon(true);
        drain.start();
        return new ReplicaServer(process, port);
    }

    /** The JDBC URL of an in-memory database on this server, kept while the server runs. */
    String url(String database) {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:" + database + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
