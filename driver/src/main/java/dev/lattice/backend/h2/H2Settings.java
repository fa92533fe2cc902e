package dev.lattice.backend.h2;

import java.util.Locale;
import java.util.Set;

/**
 * Which H2 session settings run inside the open transaction. H2 commits the open transaction
 * before any other {@code SET} (MODE, DEFAULT_LOCK_TIMEOUT, SESSION CHARACTERISTICS, the database
 * settings...), as its {@code Set.isTransactional} says; these are the ones it does not commit for
 * (checked against H2 2.5.252).
 */
final class H2Settings {

    private static final Set<String> TRANSACTIONAL = Set.of("CLUSTER", "QUERY_TIMEOUT", "LOCK_TIMEOUT",
            "TRACE_LEVEL_SYSTEM_OUT", "TRACE_LEVEL_FILE", "THROTTLE", "SCHEMA", "SCHEMA_SEARCH_PATH", "CATALOG",
            "RETENTION_TIME", "LAZY_QUERY_EXECUTION", "NON_KEYWORDS", "TIME", "VARIABLE_BINARY",
            "TRUNCATE_LARGE_LENGTH", "WRITE_DELAY");

    private H2Settings() {
    }

    /** Whether H2 runs this SET statement without committing the session's open transaction. */
    static boolean transactional(String sql) {
        String s = sql.strip();
        int at = 0;
        if (s.regionMatches(true, 0, "SET", 0, 3)) {
            at = 3;
        }
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
        if (at < s.length() && s.charAt(at) == '@') {
            return true; // a user variable
        }
        int end = at;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
            end++;
        }
        return TRANSACTIONAL.contains(s.substring(at, end).toUpperCase(Locale.ROOT));
    }
}
