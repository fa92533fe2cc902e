package dev.lattice.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.jdbc.JdbcConnection;

/**
 * Which Lattice session an H2 session on a primary belongs to. The capture trigger runs inside
 * the writing H2 session; this map takes it to that session's {@link ChangeCapture}. H2 sessions
 * are compared by identity.
 */
public final class CaptureRegistry {

    private static final Map<Object, ChangeCapture> BY_H2_SESSION = new ConcurrentHashMap<>();

    private CaptureRegistry() {
    }

    /** Routes the row changes of this embedded primary connection into the capture. */
    public static void register(Connection embeddedPrimary, ChangeCapture capture) throws SQLException {
        BY_H2_SESSION.put(h2Session(embeddedPrimary), capture);
    }

    public static void unregister(Connection embeddedPrimary) {
        try {
            BY_H2_SESSION.remove(h2Session(embeddedPrimary));
        } catch (SQLException ignored) {
            // not an embedded H2 connection: it was never registered
        }
    }

    static ChangeCapture lookup(Connection triggerConnection) {
        if (triggerConnection instanceof JdbcConnection h2) {
            return BY_H2_SESSION.get(h2.getSession());
        }
        return null;
    }

    private static Object h2Session(Connection connection) throws SQLException {
        JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
        return h2.getSession();
    }
}
