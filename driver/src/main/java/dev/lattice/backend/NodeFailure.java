package dev.lattice.backend;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/** Whether an error means the node's connection is gone (so another node may serve), not that the statement failed. */
public final class NodeFailure {

    private NodeFailure() {
    }

    /**
     * Connection exceptions (SQLState class 08) and PostgreSQL's server shutdowns (57P01 admin
     * shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
     */
    public static boolean connectionLost(SQLException e) {
        if (e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
