package dev.lattice.replication;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

/**
 * A process that writes to a file cluster, printing "ACK n" after each acknowledged insert, then
 * arms a crash point (args: directory, step) and runs the commit or DDL that reaches it. A step
 * prefixed {@code unseen:} is reached by DDL inside a statement Lattice cannot read (two statements
 * in one string).
 */
public final class CrashPointWriterMain {

    static final int ROWS_BEFORE = 40;
    static final String DDL = "ALTER TABLE acked ADD COLUMN extra INT DEFAULT 7";
    static final String UNSEEN = "unseen:";

    private CrashPointWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean unseen = args[1].startsWith(UNSEEN);
        String step = unseen ? args[1].substring(UNSEEN.length()) : args[1];
        try (Connection c = DriverManager.getConnection("jdbc:lattice:file:" + args[0] + "?replicas=2");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acked(id INT PRIMARY KEY, note VARCHAR(50))");
            s.execute("CREATE SEQUENCE ids");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO acked(id, note) VALUES (?, 'n' || NEXT VALUE FOR ids)")) {
                for (int i = 1; i <= ROWS_BEFORE; i++) {
                    insert.setInt(1, i);
                    insert.executeUpdate();
                    System.out.println("ACK " + i);
                }
                System.out.flush();
                // the replicas have applied, and written to their files, every commit before the
                // armed step: a restart finds them caught up, so what it does about the killed step
                // alone decides what they hold (a replica left behind would be rebuilt: LEFT_OPEN)
                Cluster cluster = c.unwrap(LatticeConnection.class).cluster();
                Await.caughtUp(cluster, Duration.ofSeconds(60));
                for (Replica r : cluster.h2().replicas()) {
                    try (Connection replica = r.node().connectDirect(); Statement checkpoint = replica.createStatement()) {
                        checkpoint.execute("CHECKPOINT");
                    }
                }
                CrashPoint.arm(step);
                if (unseen) {
                    s.execute(DDL + "; UPDATE acked SET note = 'unseen' WHERE id = 1");
                    System.out.println("ACK DDL");
                } else if (step.startsWith("ddl.")) {
                    s.execute(DDL);
                    System.out.println("ACK DDL");
                } else {
                    insert.setInt(1, ROWS_BEFORE + 1);
                    insert.executeUpdate();
                    System.out.println("ACK " + (ROWS_BEFORE + 1));
                }
            }
            System.out.println("NOT STOPPED");
            System.out.flush();
        }
    }
}
