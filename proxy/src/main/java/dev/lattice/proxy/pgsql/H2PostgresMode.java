package dev.lattice.proxy.pgsql;

import java.util.Locale;

/**
 * The H2 settings under which the proxy's embedded nodes speak PostgreSQL's dialect: a
 * {@code jdbc:lattice:mem:} or {@code file:} cluster URL that chooses no {@code MODE} of its own
 * gets {@code MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH} before its other
 * H2 settings. A {@code nodes} URL names databases that exist already and is left as it is, and so
 * is the JDBC driver's own default.
 */
public final class H2PostgresMode {

    public static final String SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    private static final String PREFIX = "jdbc:lattice:";

    private H2PostgresMode() {
    }

    /** The cluster URL the proxy starts: this one, with the PostgreSQL-mode settings when it chose no mode. */
    public static String clusterUrl(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            return url;
        }
        String rest = url.substring(PREFIX.length());
        if (!rest.startsWith("mem:") && !rest.startsWith("file:")) {
            return url;
        }
        int q = rest.indexOf('?');
        String target = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q);
        int semicolon = target.indexOf(';');
        String location = semicolon < 0 ? target : target.substring(0, semicolon);
        String settings = semicolon < 0 ? "" : target.substring(semicolon);
        if (setsMode(settings)) {
            return url;
        }
        return PREFIX + location + SETTINGS + settings + query;
    }

    /** Whether the cluster URL's nodes run in PostgreSQL mode (the proxy then rewrites PostgreSQL forms). */
    public static boolean postgresMode(String url) {
        return url != null && url.toUpperCase(Locale.ROOT).contains(";MODE=POSTGRESQL");
    }

    private static boolean setsMode(String settings) {
        for (String setting : settings.split(";")) {
            int eq = setting.indexOf('=');
            if (eq > 0 && setting.substring(0, eq).trim().equalsIgnoreCase("MODE")) {
                return true;
            }
        }
        return false;
    }
}
