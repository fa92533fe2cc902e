package dev.lattice.testing;

import dev.lattice.cluster.Cluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the sessions of an H2 cluster's nodes execute now, as H2's INFORMATION_SCHEMA.SESSIONS says. */
public final class NodeSessions {

    private NodeSessions() {
    }

    /** Whether a statement whose text contains this executes now on one of the cluster's H2 nodes. */
    public static boolean executing(Cluster cluster, String text) {
        try {
            List<String> nodes = new ArrayList<>();
            nodes.add(cluster.primary().url());
            cluster.h2().replicas().forEach(r -> nodes.add(r.node().url()));
            for (String url : nodes) {
                try (Connection n = DriverManager.getConnection(url, "sa", "");
                     PreparedStatement ps = n.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS "
                             + "WHERE SESSION_ID <> SESSION_ID() AND EXECUTING_STATEMENT LIKE ?")) {
                    ps.setString(1, "%" + text + "%");
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getLong(1) > 0) {
                            return true;
                        }
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
