package dev.lattice.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checksum of every user table of one H2 node, row by row in key order, so a primary and its
 * replicas can be compared exactly. Lattice's own schema and the catalogs are left out, in any case
 * of their names (the proxy's nodes fold names to lower case).
 */
public final class NodeChecksum {

    private NodeChecksum() {
    }

    /**
     * Asserts that every replica of the H2 cluster holds exactly the primary's tables and rows
     * (call it once they have caught up).
     *
     * @param when what the test did, for the failure's message ("" for nothing)
     */
    public static void assertReplicasMatchPrimary(Cluster cluster, String when) throws SQLException {
        Map<String, String> primary = of(cluster.primary().url());
        for (Replica r : cluster.h2().replicas()) {
            assertEquals(primary, of(r.node().url()), r.node().name() + " differs from the primary"
                    + (when.isEmpty() ? "" : " " + when));
        }
    }

    /** Table name → checksum of its rows, for every user base table of the node at this URL. */
    public static TreeMap<String, String> of(String h2Url) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url, "sa", "")) {
            return of(c);
        }
    }

    public static TreeMap<String, String> of(Connection c) throws SQLException {
        TreeMap<String, String> sums = new TreeMap<>();
        List<String[]> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                     + "WHERE TABLE_TYPE = 'BASE TABLE' AND UPPER(TABLE_SCHEMA) NOT IN ('INFORMATION_SCHEMA', 'LATTICE', "
                     + "'PG_CATALOG')")) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] t : tables) {
            String name = "\"" + t[0] + "\".\"" + t[1] + "\"";
            sums.put(t[0] + "." + t[1], tableSum(c, name));
        }
        return sums;
    }

    private static String tableSum(Connection c, String table) throws SQLException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder header = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                header.append(md.getColumnName(i)).append(':').append(md.getColumnTypeName(i)).append(',');
            }
            digest.update(header.toString().getBytes(StandardCharsets.UTF_8));
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(render(rs.getObject(i))).append('|');
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        for (String row : rows) {
            digest.update(row.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return rows.size() + ":" + HexFormat.of().formatHex(digest.digest());
    }

    private static String render(Object v) throws SQLException {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof Blob b) {
            return HexFormat.of().formatHex(b.getBytes(1, (int) b.length()));
        }
        if (v instanceof Clob cl) {
            return cl.getSubString(1, (int) cl.length());
        }
        if (v instanceof Object[] a) {
            StringBuilder out = new StringBuilder("[");
            for (Object element : a) {
                out.append(render(element)).append(',');
            }
            return out.append(']').toString();
        }
        if (v instanceof java.sql.Array a) {
            return render(a.getArray()); // its toString names the object, not the values
        }
        if (v instanceof ResultSet row) { // a ROW value: one row of its fields
            StringBuilder out = new StringBuilder("ROW(");
            while (row.next()) {
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    out.append(render(row.getObject(i))).append(',');
                }
            }
            return out.append(')').toString();
        }
        return v.getClass().getSimpleName() + "=" + v;
    }
}
