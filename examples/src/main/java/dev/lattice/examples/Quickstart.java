package dev.lattice.examples;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The first thing to run: an in-memory cluster of a primary and two replicas, some writes, a read
 * that a replica serves, and SHOW REPLICAS with each node's applied LSN and lag.
 */
public final class Quickstart {

    private Quickstart() {
    }

    public static void main(String[] args) throws SQLException {
        run(System.out);
    }

    /** Runs the walk-through, printing to out; returns the number of rows a replica served. */
    public static int run(PrintStream out) throws SQLException {
        String url = "jdbc:lattice:mem:quickstart?replicas=2";
        out.println("Connecting to " + url + " (a primary and 2 replicas, in this JVM)");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS greeting(id INT PRIMARY KEY, text VARCHAR(100), at TIMESTAMP DEFAULT NOW())");
            s.execute("DELETE FROM greeting");
            s.executeUpdate("INSERT INTO greeting(id, text) VALUES (1, 'hello'), (2, 'from'), (3, 'lattice')");
            out.println("Wrote 3 rows on the primary; replicas apply them by LSN.");
            int rows = 0;
            try (ResultSet rs = s.executeQuery("SELECT text FROM greeting ORDER BY id")) {
                StringBuilder line = new StringBuilder("Read back at CAUSAL (the default), which always sees our own writes:");
                while (rs.next()) {
                    line.append(' ').append(rs.getString(1));
                    rows++;
                }
                out.println(line);
            }
            out.println();
            out.println("SHOW REPLICAS");
            try (ResultSet rs = s.executeQuery("SHOW REPLICAS")) {
                print(rs, out);
            }
            return rows;
        }
    }

    static void print(ResultSet rs, PrintStream out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder header = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            header.append(String.format("%-14s", md.getColumnLabel(i).toLowerCase()));
        }
        out.println(header.toString().stripTrailing());
        while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String v = String.valueOf(rs.getObject(i));
                row.append(String.format("%-14s", v.length() > 13 ? v.substring(0, 12) + "…" : v));
            }
            out.println(row.toString().stripTrailing());
        }
    }
}
