package dev.lattice.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

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
