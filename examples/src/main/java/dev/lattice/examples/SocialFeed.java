package dev.lattice.examples;

import dev.lattice.jdbc.LatticeConnection;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * A social feed at CAUSAL: a reply is never visible before the post it answers. Alice posts,
 * Bob (another connection, another service) reads the post and replies, Carol reads the feed.
 * Each hands its causal token to the next, the way a notification carries it. At CAUSAL every
 * read is served by a replica that has applied what the token names; at EVENTUAL, with one
 * replica lagging, Bob cannot find the post he was notified about and Carol sees a reply to a
 * post that does not exist yet.
 */
public final class SocialFeed {

    /** What Bob and Carol saw. */
    record Outcome(String level, boolean bobSawPost, int postsCarolSaw, int repliesCarolSaw) {
        /** Carol saw a reply whose post she could not see. */
        boolean orphanReply() {
            return repliesCarolSaw > postsCarolSaw;
        }
    }

    private SocialFeed() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out, "feed_causal", "CAUSAL");
        System.out.println();
        run(System.out, "feed_eventual", "EVENTUAL");
    }

    public static Outcome run(PrintStream out, String clusterName, String level) throws Exception {
        String url = "jdbc:lattice:mem:" + clusterName + "?replicas=2&consistency=" + level;
        try (Connection alice = DriverManager.getConnection(url);
             Connection bob = DriverManager.getConnection(url);
             Connection carol = DriverManager.getConnection(url);
             Statement admin = alice.createStatement()) {
            admin.execute("CREATE TABLE post(id INT PRIMARY KEY, author VARCHAR(20), text VARCHAR(200))");
            admin.execute("CREATE TABLE reply(id INT PRIMARY KEY, post_id INT REFERENCES post(id),"
                    + " author VARCHAR(20), text VARCHAR(200))");
            Replicas.awaitAllCaughtUp(alice);
            // replica1 stops applying: far behind. replica2 applies each transaction 20 ms late.
            admin.execute("ALTER REPLICA replica1 PAUSE");
            admin.execute("ALTER REPLICA replica2 SET DELAY 20");
            out.println("Feed at " + level + ". replica1 is paused, replica2 applies 20 ms late.");

            admin.executeUpdate("INSERT INTO post VALUES (1, 'alice', 'Lattice routes reads by consistency level!')");
            String aliceToken = token(alice);
            out.println("Alice posts #1 on the primary and notifies Bob, with her token " + aliceToken);

            bob.createStatement().execute("SET CONSISTENCY TOKEN '" + aliceToken + "'");
            ServedBy served = ServedBy.watch(bob, level);
            boolean bobSawPost = count(bob, "SELECT COUNT(*) FROM post WHERE id = 1") == 1;
            out.println("Bob opens post #1: " + (bobSawPost ? "found" : "NOT FOUND") + ", read on "
                    + served.next().describe() + " [" + Replicas.lag(bob) + "]");
            bob.createStatement().executeUpdate("INSERT INTO reply VALUES (1, 1, 'bob', 'Which level do I need?')");
            String bobToken = token(bob);
            out.println("Bob replies to #1 (he knows its id from the notification) and passes his token " + bobToken);

            // Make sure replica2 has the reply, so that at EVENTUAL the anomaly is certain, not likely.
            Replicas.awaitApplied(bob, "replica2", Replicas.committed(bob));
            carol.createStatement().execute("SET CONSISTENCY TOKEN '" + bobToken + "'");
            int posts = count(carol, "SELECT COUNT(*) FROM post");
            String postsServed = served.next().describe();
            int replies = count(carol, "SELECT COUNT(*) FROM reply");
            String repliesServed = served.next().describe();
            out.printf("Carol loads the feed: %d post(s) (read on %s), then %d reply(ies) (read on %s)%n",
                    posts, postsServed, replies, repliesServed);
            out.println(replies > posts
                    ? "ANOMALY: Carol sees Bob's reply to a post she cannot see. EVENTUAL read the posts on the"
                            + " paused replica1 and the replies on replica2; CAUSAL would have read both where"
                            + " Bob's token is applied."
                    : "Causality holds: every reply Carol sees answers a post she sees.");
            admin.execute("ALTER REPLICA replica1 RESUME");
            Replicas.shutdown(alice);
            return new Outcome(level, bobSawPost, posts, replies);
        }
    }

    /** The causal token of a connection: its cluster and the highest LSN it wrote or saw. */
    private static String token(Connection c) throws SQLException {
        return c.unwrap(LatticeConnection.class).consistencyToken();
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
