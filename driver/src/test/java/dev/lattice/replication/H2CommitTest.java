package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A direct commit of an embedded H2 session ends its transaction as {@link Connection#commit()} does. */
class H2CommitTest {

    @Test
    void theCommittedRowIsSeenByAnotherSessionAndTheNextStatementStartsANewTransaction() throws Exception {
        String url = "jdbc:h2:mem:h2-commit;DB_CLOSE_DELAY=-1";
        try (Connection writer = DriverManager.getConnection(url); Connection reader = DriverManager.getConnection(url);
             Statement w = writer.createStatement(); Statement r = reader.createStatement()) {
            w.execute("CREATE TABLE t(id INT PRIMARY KEY)");
            writer.setAutoCommit(false);
            w.executeUpdate("INSERT INTO t VALUES (1)");
            assertEquals(0, count(r), "not committed yet");
            H2Commit.commit(writer);
            assertEquals(1, count(r));
            w.executeUpdate("INSERT INTO t VALUES (2)");
            writer.rollback();
            assertEquals(1, count(r), "the insert after the commit was rolled back on its own");
        }
    }

    @Test
    void aClosedConnectionFailsAsItsOwnCommitWould() throws Exception {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:h2-commit-closed");
        c.setAutoCommit(false);
        c.close();
        SQLException own = assertThrows(SQLException.class, c::commit);
        SQLException direct = assertThrows(SQLException.class, () -> H2Commit.commit(c));
        assertEquals(own.getSQLState(), direct.getSQLState());
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
