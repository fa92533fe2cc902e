package dev.lattice.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.jdbc.LatticeConnection;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A profile update through a HikariCP pool: the user saves a new display name, the next request
 * reads it back on another pooled connection. Read-your-writes is per session, and a pool hands
 * each request whichever connection is free, so across a pool it needs one of two things: hand
 * the causal token on (in the HTTP session, a cookie, a header) and adopt it with
 * {@code SET CONSISTENCY TOKEN} at CAUSAL, the level that honours adopted tokens; or open the pool
 * with {@code sessionScope=shared}, so that all its connections share what was written, and
 * READ_YOUR_WRITES holds across them. Without either, a lagging replica serves the old name.
 */
public final class ProfileUpdate {

    /** The name each request read back after saving a new one. */
    record Outcome(String withoutHandOff, String withToken, String withSharedScope) {
    }

    private ProfileUpdate() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out, "profiles");
    }

    public static Outcome run(PrintStream out, String clusterName) throws Exception {
        String url = "jdbc:lattice:mem:" + clusterName + "?replicas=2";
        try (HikariDataSource pool = pool(url + "&consistency=CAUSAL");
             HikariDataSource sharedPool = pool(url + "&consistency=READ_YOUR_WRITES&sessionScope=shared");
             Connection admin = pool.getConnection(); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE profile(user_id INT PRIMARY KEY, display_name VARCHAR(100))");
            s.executeUpdate("INSERT INTO profile VALUES (42, 'alice')");
            Replicas.awaitAllCaughtUp(admin);

            out.println("1. A pool at CAUSAL, no token handed on, both replicas paused (lagging):");
            s.execute("ALTER REPLICA replica1 PAUSE");
            s.execute("ALTER REPLICA replica2 PAUSE");
            String stale = saveThenRead(pool, "Alice Liddell", false, out);
            s.execute("ALTER REPLICA replica1 RESUME");
            s.execute("ALTER REPLICA replica2 RESUME");
            Replicas.awaitAllCaughtUp(admin);

            // replica1 far behind, replica2 a little: the read has a replica to wait for.
            s.execute("ALTER REPLICA replica1 PAUSE");
            s.execute("ALTER REPLICA replica2 SET DELAY 50");
            out.println("2. Same pool, the token handed from the saving request to the reading one"
                    + " (replica1 paused, replica2 50 ms behind):");
            String handedOn = saveThenRead(pool, "Alice L.", true, out);
            out.println("3. A pool at READ_YOUR_WRITES with sessionScope=shared, no token handling in the application:");
            String shared = saveThenRead(sharedPool, "Alice Pleasance Liddell", false, out);
            s.execute("ALTER REPLICA replica1 RESUME");
            Replicas.shutdown(admin);
            return new Outcome(stale, handedOn, shared);
        }
    }

    /**
     * Request 1 saves the name; request 2, on another pooled connection (request 1 still holds
     * its own), reads it back. Returns what request 2 read.
     */
    private static String saveThenRead(HikariDataSource pool, String name, boolean handOnToken, PrintStream out)
            throws SQLException {
        try (Connection save = pool.getConnection(); Connection read = pool.getConnection()) {
            try (PreparedStatement ps = save.prepareStatement("UPDATE profile SET display_name = ? WHERE user_id = 42")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            String token = save.unwrap(LatticeConnection.class).consistencyToken();
            if (handOnToken) {
                // In a web application the token travels in the HTTP session or a cookie.
                read.createStatement().execute("SET CONSISTENCY TOKEN '" + token + "'");
            }
            ServedBy served = ServedBy.watch(read, level(read));
            String seen;
            try (ResultSet rs = read.createStatement().executeQuery("SELECT display_name FROM profile WHERE user_id = 42")) {
                rs.next();
                seen = rs.getString(1);
            }
            out.printf("   saved '%s', the next request read '%s' on %s -> %s%n", name, seen,
                    served.next().describe(), seen.equals(name) ? "read your write" : "STALE: the old name came back");
            out.println("   [" + Replicas.lag(read) + "]");
            return seen;
        }
    }

    private static String level(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SHOW CONSISTENCY")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        config.setPoolName(url.contains("shared") ? "shared-scope" : "connection-scope");
        return new HikariDataSource(config);
    }
}
