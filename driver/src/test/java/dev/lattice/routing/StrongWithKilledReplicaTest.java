package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.replication.ReplicaApplier;
import dev.lattice.testing.Await;
import dev.lattice.testing.ChildJvm;
import dev.lattice.testing.FreePort;
import dev.lattice.testing.H2ServerMain;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica in its own H2 server process, killed with SIGKILL in the middle of STRONG commits:
 * commits go on completing, and none returns before every replica still in the synchronous set
 * has applied it; started again, the replica catches up and rejoins the set.
 */
class StrongWithKilledReplicaTest {

    @TempDir
    Path dir;

    @Test
    void strongCommitsCompleteWhenAReplicaIsKilledAndNeverBeforeTheSyncSetApplied() throws Exception {
        int port = FreePort.find();
        String primaryUrl = "jdbc:h2:mem:strong-kill;DB_CLOSE_DELAY=-1";
        String url = "jdbc:lattice:nodes?primary=" + primaryUrl + "&replica=jdbc:h2:mem:strong-kill-r1;DB_CLOSE_DELAY=-1"
                + "&replica=jdbc:h2:tcp://localhost:" + port + "/replica2&failureTimeout=300&consistency=STRONG";
        ChildJvm server = ChildJvm.start(H2ServerMain.class, String.valueOf(port), dir.toString());
        try {
            server.awaitLine("LISTENING", Duration.ofSeconds(60));
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
                Await.until("both replicas in the synchronous set", Duration.ofSeconds(30),
                        () -> cluster.h2().replicas().stream().allMatch(r -> r.applier().inSyncSet()));
                Replica remote = cluster.h2().replica("replica2");
                for (int i = 0; i < 60; i++) {
                    if (i == 20) {
                        server.kill();
                    }
                    if (i == 40) {
                        server = ChildJvm.start(H2ServerMain.class, String.valueOf(port), dir.toString());
                        server.awaitLine("LISTENING", Duration.ofSeconds(60));
                    }
                    s.executeUpdate("INSERT INTO t VALUES (" + i + ")");
                    long lsn = cluster.committedLsn();
                    for (Replica r : cluster.h2().replicas()) {
                        ReplicaApplier a = r.applier();
                        assertTrue(a.applied() >= lsn || !a.inSyncSet(),
                                r.node().name() + " is in the synchronous set without LSN " + lsn);
                    }
                }
                Await.until("the restarted replica to rejoin the synchronous set", Duration.ofSeconds(30),
                        () -> remote.applier().inSyncSet() && remote.applied() >= cluster.committedLsn());
            }
        } finally {
            server.close();
            ClusterRegistry.shutdown("NODES:" + primaryUrl);
        }
    }
}
