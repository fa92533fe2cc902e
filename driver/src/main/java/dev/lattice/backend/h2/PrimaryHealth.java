package dev.lattice.backend.h2;

import dev.lattice.cluster.Node;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the H2 primary may be used: reachable, unreachable (its server is gone), or fenced (it
 * was replaced by a promoted replica, or came back with fewer transactions than the cluster has
 * seen). A session's connection error on the primary marks it unreachable at once; a light probe of
 * a remote primary notices its loss without a write and its recovery. Sessions read the state as
 * one volatile field.
 */
public final class PrimaryHealth {

    /** What SHOW REPLICAS says of the primary. */
    public enum State {
        ONLINE, UNREACHABLE, FENCED, DIVERGENT
    }

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryHealth.class);
    /** How long one plain TCP connect to the primary's server may take before it counts as unreachable. */
    private static final int REACH_TIMEOUT_MILLIS = 500;

    private volatile State state = State.ONLINE;
    /** The primary this health is of: an error or probe result about another node says nothing of it. */
    private volatile Node watched;
    private volatile String cause;
    private volatile long sinceMillis;
    private Connection probe; // used by the housekeeping thread only

    public State state() {
        return state;
    }

    /** Whether sessions may use the primary now. */
    public boolean usable() {
        return state == State.ONLINE;
    }

    /** The 08006 a session gets while the primary may not be used, naming what happened and what to do. */
    public SQLException unusable(Node primary, Throwable cause) {
        State s = state;
        String what = switch (s) {
            case FENCED -> "The H2 primary " + primary.safeUrl() + " is fenced (" + this.cause + ")";
            case DIVERGENT -> "The H2 primary " + primary.safeUrl() + " came back with fewer transactions than the "
                    + "cluster has seen (" + this.cause + ") and is fenced";
            default -> "No H2 primary is reachable: " + primary.safeUrl() + " is unreachable since "
                    + java.time.Instant.ofEpochMilli(sinceMillis) + " (" + this.cause + ")";
        };
        SQLException e = new SQLNonTransientConnectionException(what + ": writes fail until the primary is restored or "
                + "a replica is promoted with ALTER CLUSTER PROMOTE <replica>; reads go on where the level allows",
                "08006");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** The primary the cluster starts with. */
    void watch(Node primary) {
        watched = primary;
    }

    /** Marks the primary unreachable (the first cause is kept), if node is still the primary. */
    private void lost(Node node, String why) {
        if (node == watched && state == State.ONLINE) {
            cause = why;
            sinceMillis = System.currentTimeMillis();
            state = State.UNREACHABLE;
            LOG.warn("The H2 primary is unreachable: {}", why);
        }
    }

    /** Fences the primary for good: it may serve nothing, even when it answers. */
    void fence(State how, String why) {
        cause = why;
        sinceMillis = System.currentTimeMillis();
        state = how;
        LOG.warn("The H2 primary is fenced ({}): {}", how, why);
    }

    /** A promoted replica is the primary now: it is reachable, and the probe starts afresh on it. */
    synchronized void replaced(Node newPrimary) {
        watched = newPrimary;
        closeProbe();
        cause = null;
        state = State.ONLINE;
    }

    /** The primary answers again and may be used. */
    void recovered() {
        if (state == State.UNREACHABLE) {
            state = State.ONLINE;
            cause = null;
            LOG.info("The H2 primary is reachable again");
        }
    }

    /**
     * After a session's error on the primary: whether it was the primary that failed rather than
     * the statement. A connection-class error is confirmed by connecting afresh (a refused
     * connection on loopback fails at once). An error on a node that a promotion has replaced since
     * is the statement's alone: the promoted primary is not marked for it.
     */
    boolean confirmLost(Node primary, SQLException e) {
        if (primary != watched) {
            return false;
        }
        if (!usable()) {
            return true;
        }
        if (primary.embedded() || !connectionError(e)) {
            return false;
        }
        if (primary.refusesConnections(REACH_TIMEOUT_MILLIS)) {
            lost(primary, "its server refuses connections (" + e.getMessage() + ")");
            return true;
        }
        try (Connection c = primary.connectDirect()) {
            return false;
        } catch (SQLException again) {
            lost(primary, String.valueOf(again.getMessage()));
            return primary == watched;
        }
    }

    /**
     * The background probe of a remote primary: one held connection checked with a statement; when it
     * fails, a fresh connection is tried each round, and {@code onBack} decides (divergence) once one
     * succeeds.
     */
    synchronized void probe(Node primary, Consumer<Connection> onBack) {
        State s = state;
        if (s == State.FENCED || s == State.DIVERGENT || primary != watched) {
            closeProbe();
            return;
        }
        if (probe != null) {
            // isValid answers from H2's client cache; only a statement crosses the network
            try (java.sql.Statement st = probe.createStatement()) {
                st.setQueryTimeout(1);
                st.execute("CALL 1");
                return;
            } catch (SQLException gone) {
                lost(primary, String.valueOf(gone.getMessage()));
            }
        }
        closeProbe();
        if (primary.refusesConnections(REACH_TIMEOUT_MILLIS)) {
            lost(primary, "its server refuses connections");
            return;
        }
        try {
            probe = primary.connectDirect();
        } catch (SQLException e) {
            lost(primary, String.valueOf(e.getMessage()));
            return;
        }
        if (state == State.UNREACHABLE) {
            onBack.accept(probe);
        }
    }

    synchronized void closeProbe() {
        if (probe != null) {
            try {
                probe.close();
            } catch (SQLException ignored) {
                // it is gone
            }
            probe = null;
        }
    }

    /** Errors that say the connection, not the statement, failed: SQLState class 08, H2's broken-connection codes, I/O. */
    static boolean connectionError(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                int code = s.getErrorCode();
                if ((state != null && state.startsWith("08")) || code == 90067 || code == 90028 || code == 90031
                        || code == 90098 || code == 90121) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
