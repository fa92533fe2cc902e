package dev.lattice.routing;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The causal token a session hands to another: opaque text naming the cluster and an LSN, e.g.
 * {@code lt1:6f1c…:42}. Adopting it makes the adopter read at least that LSN at CAUSAL.
 */
public final class ConsistencyToken {

    private static final Pattern FORM = Pattern.compile("lt1:([0-9a-fA-F-]{36}):(\\d{1,19})");

    private ConsistencyToken() {
    }

    public static String format(String clusterId, long lsn) {
        return "lt1:" + clusterId + ":" + lsn;
    }

    /** The LSN of a token of this cluster; a malformed or foreign token is refused, naming why. */
    public static long parse(String token, String clusterId) throws SQLException {
        Matcher m = token == null ? null : FORM.matcher(token.trim());
        if (m == null || !m.matches()) {
            throw new SQLException("Malformed consistency token '" + token + "': expected the text SHOW CONSISTENCY "
                    + "or consistencyToken() returned, like " + format(clusterId, 42), "22023");
        }
        if (!m.group(1).equalsIgnoreCase(clusterId)) {
            throw new SQLException("The consistency token '" + token + "' belongs to another cluster (" + m.group(1)
                    + "); this cluster is " + clusterId, "22023");
        }
        try {
            return Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new SQLException("Malformed consistency token '" + token + "': LSN out of range", "22023");
        }
    }
}
