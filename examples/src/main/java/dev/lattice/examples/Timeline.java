package dev.lattice.examples;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A timeline at MONOTONIC_READS: a user refreshing their timeline never sees it go back in time,
 * even while the replicas lag by different amounts. MONOTONIC_READS keeps the session on one
 * replica (its sticky replica) and leaves it only for one at least as advanced, so it costs no
 * waiting; it does not promise the newest posts, only never older ones. At EVENTUAL the reads
 * go to the replicas in turn, and posts vanish and reappear between refreshes.
 */
public final class Timeline {

    static final int REFRESHES = 6;

    /** How many posts each refresh showed, and whether one showed fewer than the refresh before. */
    record Outcome(String level, List<Integer> seen, int afterCatchUp) {
        boolean wentBackInTime() {
            for (int i = 1; i < seen.size(); i++) {
                if (seen.get(i) < seen.get(i - 1)) {
                    return true;
                }
            }
            return false;
        }
    }

    private Timeline() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out, "timeline_monotonic", "MONOTONIC_READS");
        System.out.println();
        run(System.out, "timeline_eventual", "EVENTUAL");
    }

    public static Outcome run(PrintStream out, String clusterName, String level) throws Exception {
        String url = "jdbc:lattice:mem:" + clusterName + "?replicas=2";
        try (Connection writer = DriverManager.getConnection(url);
             Connection reader = DriverManager.getConnection(url + "&consistency=" + level);
             Statement s = writer.createStatement()) {
            s.execute("CREATE TABLE post(id INT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(200))");
            for (int i = 1; i <= 3; i++) {
                s.executeUpdate("INSERT INTO post(text) VALUES ('morning post " + i + "')");
            }
            Replicas.awaitAllCaughtUp(writer);
            // The replicas now lag differently: replica1 stops at 3 posts, replica2 gets 3 more.
            s.execute("ALTER REPLICA replica1 PAUSE");
            for (int i = 1; i <= 3; i++) {
                s.executeUpdate("INSERT INTO post(text) VALUES ('afternoon post " + i + "')");
            }
            Replicas.awaitApplied(writer, "replica2", Replicas.committed(writer));
            out.println("Timeline at " + level + " [" + Replicas.lag(writer) + "]");

            List<Integer> seen = new ArrayList<>();
            ServedBy served = ServedBy.watch(reader, level);
            for (int refresh = 1; refresh <= REFRESHES; refresh++) {
                int posts = posts(reader);
                String note = !seen.isEmpty() && posts < seen.get(seen.size() - 1)
                        ? "  <- WENT BACK IN TIME: posts the user already saw are gone" : "";
                seen.add(posts);
                out.printf("  refresh %d: %d posts (read on %s%s)%s%n", refresh, posts, served.next().describe(),
                        sticky(reader), note);
            }
            s.execute("ALTER REPLICA replica1 RESUME");
            Replicas.awaitAllCaughtUp(writer);
            int afterCatchUp = posts(reader);
            out.printf("  replica1 resumed and caught up; the next refresh shows %d posts%n", afterCatchUp);
            Replicas.shutdown(writer);
            return new Outcome(level, seen, afterCatchUp);
        }
    }

    /** MONOTONIC_READS names the replica it sticks to in SHOW CONSISTENCY. */
    private static String sticky(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CONSISTENCY")) {
            rs.next();
            String replica = rs.getString("STICKY_REPLICA");
            return replica == null ? "" : ", sticky replica " + replica;
        }
    }

    private static int posts(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM post")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
