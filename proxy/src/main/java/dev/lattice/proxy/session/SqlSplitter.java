package dev.lattice.proxy.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a simple-query string into statements at top-level semicolons, skipping those inside
 * quotes, comments (nested block comments too), E'' strings and dollar quotes.
 */
public final class SqlSplitter {

    private SqlSplitter() {
    }

    /** The statements, trimmed; empty ones (";;", a trailing ";", only comments) are left out. */
    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = sql.length();
        boolean content = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' ) {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)));
                i = quoted(sql, i, '\'', escapes);
                content = true;
            } else if (c == '"') {
                i = quoted(sql, i, '"', false);
                content = true;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockComment(sql, i);
            } else if (c == '$' && dollarTag(sql, i) != null && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
                String tag = dollarTag(sql, i);
                int end = indexOfDelimiter(sql, tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
                content = true;
            } else if (c == ';') {
                add(out, sql.substring(start, i), content);
                start = i + 1;
                content = false;
                i++;
            } else {
                if (!Character.isWhitespace(c)) {
                    content = true;
                }
                i++;
            }
        }
        add(out, sql.substring(start), content);
        return out;
    }

    private static void add(List<String> out, String statement, boolean content) {
        if (content) {
            out.add(statement.strip());
        }
    }

    private static int quoted(String sql, int i, char quote, boolean backslashEscapes) {
        int n = sql.length();
        i++;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    private static int blockComment(String sql, int i) {
        int depth = 0;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** "$tag$" or "$$" starting at i, or null when the '$' starts no dollar quote (a $1 marker). */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && sql.charAt(j) != '$') {
            char c = sql.charAt(j);
            if (!(Character.isLetter(c) || c == '_' || (j > i + 1 && Character.isDigit(c)))) {
                return null;
            }
            j++;
        }
        return j < sql.length() ? sql.substring(i, j + 1) : null;
    }

    /** Where the tag next occurs, tried at each '$' only: linear, where String.indexOf is not for long tags. */
    private static int indexOfDelimiter(String s, String tag, int from) {
        int i = s.indexOf('$', from);
        while (i >= 0) {
            if (s.startsWith(tag, i)) {
                return i;
            }
            i = s.indexOf('$', i + 1);
        }
        return -1;
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
