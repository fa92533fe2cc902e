package dev.lattice.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** SHOW REPLICAS as rows of values by column name (upper case), in the order the cluster gives them: the primary first. */
public final class ShowReplicas {

    private ShowReplicas() {
    }

    public static List<Map<String, Object>> rows(Statement s) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toUpperCase(Locale.ROOT), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The row of the node with that name; an AssertionError when there is none. */
    public static Map<String, Object> row(Statement s, String node) throws SQLException {
        for (Map<String, Object> row : rows(s)) {
            if (node.equalsIgnoreCase(String.valueOf(row.get("NAME")))) {
                return row;
            }
        }
        throw new AssertionError("no " + node + " in SHOW REPLICAS");
    }

    public static Map<String, Object> row(Connection c, String node) throws SQLException {
        try (Statement s = c.createStatement()) {
            return row(s, node);
        }
    }

    /** The node's STATE, or the error's message when SHOW REPLICAS fails (for conditions polled until a deadline). */
    public static String state(Statement s, String node) {
        try {
            return String.valueOf(row(s, node).get("STATE"));
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
