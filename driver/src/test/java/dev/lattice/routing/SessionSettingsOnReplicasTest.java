package dev.lattice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.testing.Await;
import dev.lattice.testing.LaggedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A session setting (SET SCHEMA …) holds on every node a read of the session goes to. A replica
 * that could not take it when it ran (it had not yet applied the schema the setting names) serves
 * the session's reads only once it has; until then they go to the primary.
 */
class SessionSettingsOnReplicasTest {

    @Test
    void aReadAfterSetSchemaNamesTheSchemasTableOnEveryNode() throws Exception {
        assertEquals(java.util.List.of("in s", "in s", "in s", "in s"), readsAfterSetSchema(false));
    }

    @Test
    void aReadOnlyTransactionAfterSetSchemaNamesTheSchemasTable() throws Exception {
        assertEquals(java.util.List.of("in s", "in s", "in s", "in s"), readsAfterSetSchema(true));
    }

    /** What the session's reads of the unqualified table t answer after SET SCHEMA s, made while replicas lacked s. */
    private static java.util.List<String> readsAfterSetSchema(boolean inReadOnlyTransactions) throws Exception {
        try (LaggedCluster lc = new LaggedCluster("settings", 0, 0); Connection c = lc.connect("EVENTUAL");
             Statement s = c.createStatement()) {
            lc.execute("CREATE TABLE t(v VARCHAR(10))", "INSERT INTO t VALUES ('in public')");
            read(s, false); // EVENTUAL takes the replicas in turn: the session has a connection to each
            read(s, false);
            lc.alter("ALTER REPLICA replica1 PAUSE", "ALTER REPLICA replica2 PAUSE");
            s.execute("CREATE SCHEMA s");
            s.execute("CREATE TABLE s.t(v VARCHAR(10))");
            s.execute("INSERT INTO s.t VALUES ('in s')");
            s.execute("SET SCHEMA s"); // the paused replicas have no schema s yet
            java.util.List<String> answers = new java.util.ArrayList<>();
            answers.add(read(s, inReadOnlyTransactions));
            lc.alter("ALTER REPLICA replica1 RESUME", "ALTER REPLICA replica2 RESUME");
            Await.caughtUp(lc.cluster(), Duration.ofSeconds(10));
            for (int i = 0; i < 3; i++) {
                answers.add(read(s, inReadOnlyTransactions));
            }
            return answers;
        }
    }

    private static String read(Statement s, boolean inReadOnlyTransaction) throws SQLException {
        if (inReadOnlyTransaction) {
            s.execute("START TRANSACTION READ ONLY");
        }
        try (ResultSet rs = s.executeQuery("SELECT v FROM t")) {
            rs.next();
            return rs.getString(1);
        } finally {
            if (inReadOnlyTransaction) {
                s.execute("COMMIT");
            }
        }
    }
}
