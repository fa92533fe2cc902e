package dev.lattice.backend.h2;

import java.util.Locale;
import java.util.Set;

/**
 * Which statements make H2 commit the session's open transaction before it runs them, so that
 * Lattice commits it first, with its LSN. H2 commits for every {@code SET} but those its
 * {@code Set.isTransactional} lists, and for commands such as ANALYZE and SCRIPT (checked against
 * H2 2.5.252); DDL is handled where DDL is.
 */
final class H2ImplicitCommits {

    private static final Set<String> TRANSACTIONAL_SETTINGS = Set.of("CLUSTER", "QUERY_TIMEOUT", "LOCK_TIMEOUT",
            "TRACE_LEVEL_SYSTEM_OUT", "TRACE_LEVEL_FILE", "THROTTLE", "SCHEMA", "SCHEMA_SEARCH_PATH", "CATALOG",
            "RETENTION_TIME", "LAZY_QUERY_EXECUTION", "NON_KEYWORDS", "TIME", "VARIABLE_BINARY",
            "TRUNCATE_LARGE_LENGTH", "WRITE_DELAY");
    /** Probed on H2 2.5.252: CHECKPOINT, BACKUP, PREPARE COMMIT, CALL, EXPLAIN, SHOW and HELP do not commit. */
    private static final Set<String> COMMITTING_COMMANDS = Set.of("ANALYZE", "SCRIPT");

    private H2ImplicitCommits() {
    }

    /** Whether H2 commits the open transaction before this SET statement. */
    static boolean bySetting(String sql) {
        String s = sql.strip();
        int at = s.regionMatches(true, 0, "SET", 0, 3) ? 3 : 0;
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
        if (at < s.length() && s.charAt(at) == '@') {
            return false; // a user variable
        }
        return !TRANSACTIONAL_SETTINGS.contains(word(s, at));
    }

    /** Whether H2 commits the open transaction before this statement Lattice could not read. */
    static boolean byStatement(String sql) {
        String s = sql.strip();
        return COMMITTING_COMMANDS.contains(word(s, 0));
    }

    private static String word(String s, int at) {
        int end = at;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
            end++;
        }
        return s.substring(at, end).toUpperCase(Locale.ROOT);
    }
}
