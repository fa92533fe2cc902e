package dev.lattice.cluster;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

/**
 * A process that writes to a file cluster and prints "ACK n" after each acknowledged commit, until
 * it is killed. With a second argument "pause", its replica is paused first, once it has caught up,
 * so that it is behind when the process dies. A third argument "no-close-on-exit" leaves the
 * cluster open when the JVM exits, as before Lattice closed it from a shutdown hook.
 */
public final class FileClusterWriterMain {

    private FileClusterWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 2 && args[2].equals("no-close-on-exit")) {
            ClusterRegistry.closeOnExit = false;
        }
        try (Connection c = DriverManager.getConnection("jdbc:lattice:file:" + args[0] + "?replicas=1")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS acked(id INT PRIMARY KEY, at TIMESTAMP DEFAULT NOW(), note VARCHAR(50))");
                if (args.length > 1 && args[1].equals("pause")) {
                    Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                    Await.caughtUp(cluster, Duration.ofSeconds(60));
                    s.execute("ALTER REPLICA replica1 PAUSE");
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO acked(id, note) VALUES (?, RANDOM_UUID())")) {
                for (int i = 1; ; i++) {
                    insert.setInt(1, i);
                    insert.executeUpdate();
                    System.out.println("ACK " + i);
                    System.out.flush();
                }
            }
        }
    }
}
