package dev.lattice.jdbc;

import dev.lattice.cluster.EmbeddedSession;
import dev.lattice.cluster.NodeValues;
import dev.lattice.sql.analysis.LiteralParameters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import org.h2.engine.Mode.ModeEnum;
import org.h2.engine.SessionLocal;

/**
 * A plain statement's text whose every literal is a key value, run as its shape's text with the
 * literals bound ({@link LiteralParameters}): H2 then parses the shape once per node connection
 * instead of each text. Only on embedded H2 nodes in H2's own mode or PostgreSQL's, where bound
 * literals were checked to answer as the texts do (BoundLiteralsTest); elsewhere the text runs as
 * sent. One prepared statement per node, for the last shape run there.
 */
final class BoundLiterals {

    /** Tests only: false runs every text as sent, as before. */
    static volatile boolean enabled = true;

    private final PreparedStatement[] perNode;
    private final String[] shapes;

    BoundLiterals(int nodes) {
        perNode = new PreparedStatement[nodes];
        shapes = new String[nodes];
    }

    /**
     * The node's statement for the shape with the literals bound, or null where the text must run
     * as sent.
     */
    PreparedStatement on(int nodeIndex, Connection node, LiteralParameters literals, LatticeStatement owner)
            throws SQLException {
        if (!enabled || !bindsOn(node)) {
            return null;
        }
        PreparedStatement ps = perNode[nodeIndex];
        if (ps == null || !literals.sql().equals(shapes[nodeIndex]) || ps.getConnection() != node) {
            if (ps != null) {
                LatticeStatement.closeQuietly(ps);
            }
            StatementOptions options = owner.options;
            ps = node.prepareStatement(literals.sql(), options.resultSetType(), options.concurrency(),
                    options.holdability());
            owner.configure(ps);
            perNode[nodeIndex] = ps;
            shapes[nodeIndex] = literals.sql();
        }
        int index = 1;
        for (Object value : literals.values()) {
            NodeValues.set(ps, index++, value);
        }
        return ps;
    }

    private static boolean bindsOn(Connection node) throws SQLException {
        SessionLocal session = EmbeddedSession.of(node);
        if (session == null) {
            return false;
        }
        ModeEnum mode = session.getMode().getEnum();
        return mode == ModeEnum.REGULAR || mode == ModeEnum.PostgreSQL;
    }

    /** Applies a setting change of the owner to the statements already prepared. */
    void reconfigure(LatticeStatement owner) throws SQLException {
        for (PreparedStatement ps : perNode) {
            if (ps != null) {
                owner.configure(ps);
            }
        }
    }

    /** Closes what it prepared; the first failure, or null. */
    SQLException close() {
        Arrays.fill(shapes, null);
        return LatticeStatement.closeAll(perNode);
    }
}
