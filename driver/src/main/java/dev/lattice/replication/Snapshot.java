package dev.lattice.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of the primary's user schemas at an exact LSN, made with H2's SCRIPT while no
 * transaction can commit, and laid onto a replica in place of everything it had.
 */
final class Snapshot {

    private final long lsn;
    private final List<String> statements;

    private Snapshot(long lsn, List<String> statements) {
        this.lsn = lsn;
        this.statements = statements;
    }

    long lsn() {
        return lsn;
    }

    static Snapshot take(Connection primary, CommitSequencer sequencer) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement s = primary.createStatement();
             ResultSet rs = s.executeQuery("SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA "
                     + "WHERE UPPER(SCHEMA_NAME) NOT IN ('INFORMATION_SCHEMA', 'LATTICE', 'PG_CATALOG') ORDER BY SCHEMA_NAME")) {
            while (rs.next()) {
                schemas.add(TableId.quote(rs.getString(1)));
            }
        }
        String script = "SCRIPT NOPASSWORDS NOSETTINGS SCHEMA " + String.join(", ", schemas);
        return sequencer.whileNoCommits(() -> {
            long lsn = sequencer.log().committed();
            List<String> statements = new ArrayList<>();
            try (Statement s = primary.createStatement(); ResultSet rs = s.executeQuery(script)) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (!TriggerInstaller.isCaptureTrigger(line) && !line.startsWith("CREATE USER")) {
                        statements.add(line);
                    }
                }
            }
            if (!primary.getAutoCommit()) {
                primary.commit();
            }
            return new Snapshot(lsn, statements);
        });
    }

    /** Replaces everything on the replica with the snapshot and records its LSN as applied. */
    void restoreInto(Connection replica) throws SQLException {
        replica.setAutoCommit(true);
        try (Statement s = replica.createStatement()) {
            s.execute("DROP ALL OBJECTS");
            for (String statement : statements) {
                s.execute(statement);
            }
            AppliedLsn.create(s, lsn);
            // The rebuilt base must survive a crash that comes before H2's next background write.
            s.execute("CHECKPOINT");
        }
        replica.setAutoCommit(false);
    }
}
