package dev.lattice.cluster;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Binds a Java value to a node statement's parameter, as setObject would. */
public final class NodeValues {

    private NodeValues() {
    }

    /**
     * The commonest classes by their own setters, tested first: H2's setObject looks for a converter,
     * and an interface test before them is slow for Long and String (JDK-8180450).
     */
    public static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof Integer number) {
            ps.setInt(index, number);
        } else if (value instanceof Long number) {
            ps.setLong(index, number);
        } else if (value instanceof String text) {
            ps.setString(index, text);
        } else {
            ps.setObject(index, value);
        }
    }
}
