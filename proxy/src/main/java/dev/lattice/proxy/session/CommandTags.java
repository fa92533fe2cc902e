package dev.lattice.proxy.session;

import dev.lattice.sql.analysis.StatementAnalysis;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** CommandComplete tags as PostgreSQL writes them: "INSERT 0 3", "SELECT 5", "CREATE TABLE", ... */
final class CommandTags {

    private static final Pattern NOT_A_WORD = Pattern.compile("[^A-Za-z_]+");
    private static final Set<String> OBJECT_WORDS = Set.of("TABLE", "INDEX", "VIEW", "SEQUENCE", "SCHEMA",
            "FUNCTION", "PROCEDURE", "TRIGGER", "DOMAIN", "TYPE", "CONSTANT", "ALIAS", "USER", "ROLE", "REPLICA",
            "DATABASE", "EXTENSION", "MATERIALIZED", "AGGREGATE", "SYNONYM");

    private CommandTags() {
    }

    static String rows(long count) {
        return "SELECT " + count;
    }

    /** The tag of a statement that returned no rows. */
    static String of(StatementAnalysis analysis, String sql, long count) {
        String[] words = words(sql, 4);
        String first = words.length == 0 ? "" : words[0];
        switch (analysis == null ? dev.lattice.sql.analysis.StatementKind.OTHER : analysis.kind()) {
            case DML -> {
                long n = Math.max(0, count);
                return switch (first) {
                    case "INSERT" -> "INSERT 0 " + n;
                    case "DELETE" -> "DELETE " + n;
                    case "MERGE" -> "MERGE " + n;
                    default -> "UPDATE " + n;
                };
            }
            case TRANSACTION_CONTROL -> {
                return switch (first) {
                    case "BEGIN", "START" -> "BEGIN";
                    case "COMMIT", "END" -> "COMMIT";
                    case "ROLLBACK", "ABORT" -> words.length > 1 && words[1].equals("TO") ? "ROLLBACK" : "ROLLBACK";
                    case "SAVEPOINT" -> "SAVEPOINT";
                    case "RELEASE" -> "RELEASE";
                    default -> "SET";
                };
            }
            default -> {
                if (first.equals("INSERT")) {
                    return "INSERT 0 " + Math.max(0, count);
                }
                if (first.equals("UPDATE") || first.equals("DELETE") || first.equals("MERGE")) {
                    return first + " " + Math.max(0, count);
                }
                return withObject(words);
            }
        }
    }

    private static String withObject(String[] words) {
        if (words.length == 0) {
            return "";
        }
        String first = words[0];
        if (first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER") || first.equals("TRUNCATE")) {
            for (int i = 1; i < words.length; i++) {
                if (OBJECT_WORDS.contains(words[i])) {
                    return first + " " + (words[i].equals("MATERIALIZED") ? "MATERIALIZED VIEW" : words[i]);
                }
            }
            return first.equals("TRUNCATE") ? "TRUNCATE TABLE" : first;
        }
        return first;
    }

    /** The first n words, upper-cased, after comments. */
    static String[] words(String sql, int n) {
        String s = sql.strip();
        while (s.startsWith("--") || s.startsWith("/*")) {
            int end = s.startsWith("--") ? s.indexOf('\n') : s.indexOf("*/");
            s = end < 0 ? "" : s.substring(end + (s.startsWith("--") ? 1 : 2)).strip();
        }
        String[] parts = NOT_A_WORD.split(s, n + 1);
        int count = Math.min(n, parts.length);
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            out[i] = parts[i].toUpperCase(Locale.ROOT);
        }
        return count == 1 && out[0].isEmpty() ? new String[0] : out;
    }
}
