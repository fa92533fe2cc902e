package dev.lattice.replication;

import dev.lattice.cluster.EmbeddedSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.engine.SessionLocal;

/**
 * Which Lattice session an H2 session on a primary belongs to. The capture trigger runs inside
 * the writing H2 session; this map takes it to that session's {@link ChangeCapture}. H2 sessions
 * are compared by identity.
 */
public final class CaptureRegistry {

    private static final Map<SessionLocal, ChangeCapture> BY_H2_SESSION = new ConcurrentHashMap<>();

    private CaptureRegistry() {
    }

    /** Routes the row changes of this embedded primary connection into the capture. */
    public static void register(Connection embeddedPrimary, ChangeCapture capture) throws SQLException {
        SessionLocal session = EmbeddedSession.of(embeddedPrimary);
        if (session == null) {
            throw new SQLException("Only an embedded primary's changes are captured in memory; this connection is "
                    + embeddedPrimary.getMetaData().getURL(), "XX000");
        }
        BY_H2_SESSION.put(session, capture);
    }

    public static void unregister(Connection embeddedPrimary) {
        try {
            SessionLocal session = EmbeddedSession.of(embeddedPrimary);
            if (session != null) {
                BY_H2_SESSION.remove(session);
            }
        } catch (SQLException ignored) {
            // not an embedded H2 connection: it was never registered
        }
    }

    static ChangeCapture lookup(Connection triggerConnection) throws SQLException {
        SessionLocal session = EmbeddedSession.of(triggerConnection);
        return session == null ? null : BY_H2_SESSION.get(session);
    }
}
