package dev.lattice.routing;

import java.sql.SQLException;

/**
 * The causal token a session hands to another: opaque text naming the cluster, the epoch of its
 * history (a PostgreSQL timeline) and a position, e.g. {@code lt2:6f1c…:1:42}. Adopting it makes
 * the adopter read at least that position at CAUSAL. Tokens of the older form {@code lt1:<id>:<lsn>}
 * are read as epoch 1.
 */
public record ConsistencyToken(String clusterId, long epoch, long lsn) {

    private static final int MAX_ID = 64;

    public static String format(String clusterId, long epoch, long lsn) {
        return "lt2:" + clusterId + ":" + epoch + ":" + lsn;
    }

    /** The token's parts, if it is of this cluster; a malformed or foreign token is refused, naming why. */
    public static ConsistencyToken parse(String token, String clusterId) throws SQLException {
        String[] parts = token == null ? new String[0] : token.trim().split(":", -1);
        boolean v1 = parts.length == 3 && parts[0].equals("lt1");
        boolean v2 = parts.length == 4 && parts[0].equals("lt2");
        if (!(v1 || v2) || !isId(parts[1]) || !isNumber(parts[parts.length - 1]) || v2 && !isNumber(parts[2])) {
            throw new SQLException("Malformed consistency token '" + token + "': expected the text SHOW CONSISTENCY "
                    + "or consistencyToken() returned, like " + format(clusterId, 1, 42), "22023");
        }
        if (!parts[1].equalsIgnoreCase(clusterId)) {
            throw new SQLException("The consistency token '" + token + "' belongs to another cluster (" + parts[1]
                    + "); this cluster is " + clusterId, "22023");
        }
        try {
            long epoch = v1 ? 1 : Long.parseLong(parts[2]);
            if (epoch < 1) {
                throw new SQLException("Malformed consistency token '" + token + "': epochs count from 1", "22023");
            }
            return new ConsistencyToken(parts[1], epoch, Long.parseLong(parts[parts.length - 1]));
        } catch (NumberFormatException e) {
            throw new SQLException("Malformed consistency token '" + token + "': position out of range", "22023");
        }
    }

    private static boolean isId(String s) {
        if (s.isEmpty() || s.length() > MAX_ID) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128 || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 19) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
