package dev.lattice.proxy.session;

import dev.lattice.sql.analysis.StatementAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** CommandComplete tags as PostgreSQL writes them: "INSERT 0 3", "SELECT 5", "CREATE TABLE", ... */
final class CommandTags {

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

    /**
     * The first n words, upper-cased, after comments: runs of letters and '_' between runs of
     * anything else. One scan over the text's head (a statement may begin with many comments).
     */
    static String[] words(String sql, int n) {
        int i = 0;
        int end = sql.length();
        while (end > 0 && Character.isWhitespace(sql.charAt(end - 1))) {
            end--;
        }
        while (true) {
            while (i < end && Character.isWhitespace(sql.charAt(i))) {
                i++;
            }
            if (sql.startsWith("--", i)) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? end : eol + 1;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? end : close + 2;
            } else {
                break;
            }
        }
        if (i >= end) {
            return new String[0];
        }
        List<String> out = new ArrayList<>(n);
        int at = i;
        while (out.size() < n) {
            int wordEnd = at;
            while (wordEnd < end && isWordChar(sql.charAt(wordEnd))) {
                wordEnd++;
            }
            out.add(sql.substring(at, wordEnd).toUpperCase(Locale.ROOT));
            if (wordEnd >= end) {
                break;
            }
            at = wordEnd;
            while (at < end && !isWordChar(sql.charAt(at))) {
                at++;
            }
        }
        return out.size() == 1 && out.get(0).isEmpty() ? new String[0] : out.toArray(String[]::new);
    }

    private static boolean isWordChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
    }
}
