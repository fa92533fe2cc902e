package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.Node;
import dev.lattice.backend.h2.Replica;
import dev.lattice.jdbc.LatticeConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Asks every node of a cluster directly (not through Lattice), to check that replicas hold what the primary holds. */
final class EveryNode {

    /** The user's tables and their columns, as INFORMATION_SCHEMA describes them. */
    static final String SCHEMA = "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.IS_NULLABLE"
            + " FROM INFORMATION_SCHEMA.COLUMNS c WHERE c.TABLE_SCHEMA = 'PUBLIC'"
            + " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION";

    private EveryNode() {
    }

    /** Waits until every replica has applied all that is committed, then checks each returns what the primary does. */
    static List<String> assertSameOnEveryNode(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Replicas.awaitAllCaughtUp(c);
            Map<String, List<String>> rows = query(c, sql);
            List<String> primary = rows.get("primary");
            rows.forEach((node, seen) -> assertEquals(primary, seen, node + " differs from the primary for " + sql));
            return primary;
        }
    }

    /** The rows of a query on each node, by node name. */
    static Map<String, List<String>> query(Connection lattice, String sql) throws SQLException {
        Cluster cluster = lattice.unwrap(LatticeConnection.class).cluster();
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put(cluster.primary().name(), rows(cluster.primary(), sql));
        for (Replica r : cluster.h2().replicas()) {
            out.put(r.node().name(), rows(r.node(), sql));
        }
        return out;
    }

    private static List<String> rows(Node node, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = node.connectDirect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
