package dev.lattice.proxy.session;

/**
 * A SET, RESET or SHOW of a PostgreSQL setting, read by one left-to-right scan (client text is
 * never given to a backtracking regular expression: {@code SET a =} followed by many spaces made
 * the old pattern cubic). Forms, keywords in any case, whitespace wherever PostgreSQL allows it:
 * <pre>
 * SET [SESSION | LOCAL] TIME ZONE value      SET NAMES value
 * SET [SESSION | LOCAL] name { = | TO | whitespace } value
 * RESET name                                 SHOW name [word ...]
 * </pre>
 * where a value is the rest of the text less one trailing {@code ;}.
 *
 * @param name the setting's name (for SHOW, its words joined by single spaces)
 * @param value the value text as written, quotes and all; null for RESET and SHOW
 */
record SettingStatement(Form form, String name, String value) {

    /** Which statement it is. */
    enum Form { SET, TIME_ZONE, NAMES, RESET, SHOW }

    /** The statement, or null when the text is none of the forms above. */
    static SettingStatement parse(String sql) {
        int from = 0;
        int to = sql.length();
        while (from < to && Character.isWhitespace(sql.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(sql.charAt(to - 1))) {
            to--;
        }
        int after = keyword(sql, from, to, "SET");
        if (after >= 0) {
            SettingStatement st = set(sql, after, to, true);
            return st != null ? st : set(sql, after, to, false);
        }
        after = keyword(sql, from, to, "RESET");
        if (after >= 0) {
            int end = identifier(sql, after, to);
            return end > after && onlyTerminator(sql, end, to) ? new SettingStatement(Form.RESET,
                    sql.substring(after, end), null) : null;
        }
        after = keyword(sql, from, to, "SHOW");
        if (after >= 0) {
            return show(sql, after, to);
        }
        return null;
    }

    private static SettingStatement set(String sql, int at, int to, boolean modifier) {
        int i = at;
        if (modifier) {
            int m = keyword(sql, i, to, "SESSION");
            if (m < 0) {
                m = keyword(sql, i, to, "LOCAL");
            }
            if (m < 0) {
                return null;
            }
            i = m;
        }
        int zone = keyword(sql, i, to, "TIME");
        if (zone >= 0) {
            zone = keyword(sql, zone, to, "ZONE");
            if (zone >= 0) {
                return new SettingStatement(Form.TIME_ZONE, "TimeZone", value(sql, zone, to));
            }
        }
        if (!modifier) {
            int names = keyword(sql, i, to, "NAMES");
            if (names >= 0) {
                return new SettingStatement(Form.NAMES, "client_encoding", value(sql, names, to));
            }
        }
        int end = identifier(sql, i, to);
        if (end == i || end == to) {
            return null;
        }
        String name = sql.substring(i, end);
        int j = end;
        boolean space = false;
        while (j < to && isSpace(sql.charAt(j))) {
            j++;
            space = true;
        }
        if (j < to && sql.charAt(j) == '=') {
            return new SettingStatement(Form.SET, name, value(sql, skipSpaces(sql, j + 1, to), to));
        }
        if (!space) {
            return null;
        }
        int afterTo = keyword(sql, j, to, "TO");
        if (afterTo >= 0) {
            return new SettingStatement(Form.SET, name, value(sql, afterTo, to));
        }
        return new SettingStatement(Form.SET, name, value(sql, j, to));
    }

    private static SettingStatement show(String sql, int at, int to) {
        int end = identifier(sql, at, to);
        if (end == at) {
            return null;
        }
        StringBuilder name = new StringBuilder(end - at).append(sql, at, end);
        int i = end;
        while (true) {
            int j = skipSpaces(sql, i, to);
            if (j == i || j == to) {
                break;
            }
            int w = j;
            while (w < to && (isAsciiLetter(sql.charAt(w)) || sql.charAt(w) == '_')) {
                w++;
            }
            if (w == j) {
                break;
            }
            name.append(' ').append(sql, j, w);
            i = w;
        }
        return onlyTerminator(sql, i, to) ? new SettingStatement(Form.SHOW, name.toString(), null) : null;
    }

    /** The value text from {@code at}, less whitespace and one {@code ;} at its end. */
    private static String value(String sql, int at, int to) {
        int end = to;
        if (end > at && sql.charAt(end - 1) == ';') {
            end--;
            while (end > at && isSpace(sql.charAt(end - 1))) {
                end--;
            }
        }
        return sql.substring(at, end);
    }

    /** The index after the keyword and the whitespace that must follow it (or the end), else -1. */
    private static int keyword(String sql, int at, int to, String word) {
        int n = word.length();
        if (at + n > to || !sql.regionMatches(true, at, word, 0, n)) {
            return -1;
        }
        int i = at + n;
        int j = skipSpaces(sql, i, to);
        return j > i ? j : -1;
    }

    /** The end of a setting name {@code [A-Za-z_][A-Za-z0-9_.]*} starting at {@code at}. */
    private static int identifier(String sql, int at, int to) {
        if (at >= to || !(isAsciiLetter(sql.charAt(at)) || sql.charAt(at) == '_')) {
            return at;
        }
        int i = at + 1;
        while (i < to) {
            char c = sql.charAt(i);
            if (!(isAsciiLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '.')) {
                break;
            }
            i++;
        }
        return i;
    }

    private static boolean onlyTerminator(String sql, int at, int to) {
        int i = skipSpaces(sql, at, to);
        if (i < to && sql.charAt(i) == ';') {
            i = skipSpaces(sql, i + 1, to);
        }
        return i == to;
    }

    private static int skipSpaces(String sql, int at, int to) {
        int i = at;
        while (i < to && isSpace(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c);
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
