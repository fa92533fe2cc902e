package dev.lattice.proxy.pgsql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;

/**
 * Statement text as PostgreSQL's lexer splits it, for {@link PgRewriter}: words (upper-cased),
 * quoted identifiers, strings (standard, {@code E'…'} with its escapes decoded, {@code $$…$$}),
 * numbers, parameters and one-character symbols, each with its place in the text. One pass, no
 * backtracking: the text is client input.
 */
public final class PgTokens {

    /** What kind of token. */
    public enum Type { WORD, QUOTED, STRING, ESCAPE_STRING, NUMBER, PARAM, SYMBOL }

    /** One token: its type, where it lies in the text, and its value (a word upper-cased, a string decoded). */
    public record Token(Type type, int start, int end, String value) {
        public boolean is(String word) {
            return type == Type.WORD && value.equals(word);
        }

        public boolean isSymbol(char c) {
            return type == Type.SYMBOL && value.length() == 1 && value.charAt(0) == c;
        }
    }

    private PgTokens() {
    }

    /**
     * Whether the text's first word (after white space) is this one, in any case: a test before
     * lexing a statement that most statements fail at their first letters.
     */
    public static boolean startsWithWord(String sql, String word) {
        int i = 0;
        int n = sql.length();
        while (i < n && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        int end = i + word.length();
        return sql.regionMatches(true, i, word, 0, word.length())
                && (end == n || !Character.isLetterOrDigit(sql.charAt(end)) && sql.charAt(end) != '_');
    }

    /** The index of the ')' that closes the '(' at {@code open}; a missing one is a syntax error. */
    public static int matching(List<Token> t, int open) throws java.sql.SQLException {
        int close = closing(t, open);
        if (close < 0) {
            throw new java.sql.SQLException("syntax error at end of input", "42601");
        }
        return close;
    }

    /** The index of the ')' that closes the '(' at {@code open}, or -1 when none does. */
    public static int closing(List<Token> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).isSymbol('(')) {
                depth++;
            } else if (t.get(i).isSymbol(')') && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The last i in [from, to - 1) outside every () and [] of that range where the tokens t[i] and
     * t[i + 1] make the pair asked for (an operator of two symbols), or -1 when none does.
     */
    public static int lastPairAtTopLevel(List<Token> t, int from, int to, BiPredicate<Token, Token> pair) {
        int found = -1;
        int depth = 0;
        for (int i = from; i + 1 < to; i++) {
            Token k = t.get(i);
            if (k.isSymbol('(') || k.isSymbol('[')) {
                depth++;
            } else if (k.isSymbol(')') || k.isSymbol(']')) {
                depth--;
            } else if (depth == 0 && pair.test(k, t.get(i + 1))) {
                found = i;
            }
        }
        return found;
    }

    /** The index of the '(' that the ')' at {@code close} closes, or -1 when none does. */
    public static int opening(List<Token> t, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            if (t.get(i).isSymbol(')')) {
                depth++;
            } else if (t.get(i).isSymbol('(') && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    public static List<Token> lex(String sql) {
        List<Token> tokens = new ArrayList<>();
        int n = sql.length();
        int pos = 0;
        while (pos < n) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && pos + 1 < n && sql.charAt(pos + 1) == '-') {
                int eol = sql.indexOf('\n', pos);
                pos = eol < 0 ? n : eol + 1;
            } else if (c == '/' && pos + 1 < n && sql.charAt(pos + 1) == '*') {
                pos = blockCommentEnd(sql, pos);
            } else if (c == '\'') {
                pos = quoted(sql, pos, pos, '\'', Type.STRING, tokens);
            } else if (c == '"') {
                pos = quoted(sql, pos, pos, '"', Type.QUOTED, tokens);
            } else if (c == '$' && pos + 1 < n && Character.isDigit(sql.charAt(pos + 1))) {
                int i = pos + 1;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Type.PARAM, pos, i, sql.substring(pos, i)));
                pos = i;
            } else if (c == '$') {
                pos = dollar(sql, pos, tokens);
            } else if (c >= '0' && c <= '9') {
                int i = pos;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Type.NUMBER, pos, i, sql.substring(pos, i)));
                pos = i;
            } else if (Character.isLetter(c) || c == '_') {
                int i = pos + 1;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
                String word = sql.substring(pos, i).toUpperCase(Locale.ROOT);
                if (i < n && sql.charAt(i) == '\'' && word.equals("E")) {
                    pos = escapeString(sql, pos, i, tokens);
                } else if (i < n && sql.charAt(i) == '\'' && (word.equals("X") || word.equals("B") || word.equals("N"))) {
                    pos = quoted(sql, pos, i, '\'', Type.STRING, tokens);
                } else {
                    tokens.add(new Token(Type.WORD, pos, i, word));
                    pos = i;
                }
            } else {
                tokens.add(new Token(Type.SYMBOL, pos, pos + 1, String.valueOf(c)));
                pos++;
            }
        }
        return tokens;
    }

    private static int blockCommentEnd(String sql, int pos) {
        int depth = 0;
        int n = sql.length();
        while (pos < n) {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                pos += 2;
                if (--depth == 0) {
                    return pos;
                }
            } else {
                pos++;
            }
        }
        return n;
    }

    private static int quoted(String sql, int start, int quoteAt, char quote, Type type, List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        int i = quoteAt + 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    text.append(quote);
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            text.append(c);
            i++;
        }
        tokens.add(new Token(type, start, i, text.toString()));
        return i;
    }

    private static int dollar(String sql, int pos, List<Token> tokens) {
        int n = sql.length();
        int i = pos + 1;
        while (i < n && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_'
                || i > pos + 1 && Character.isDigit(sql.charAt(i)))) {
            i++;
        }
        if (i < n && sql.charAt(i) == '$') {
            String delimiter = sql.substring(pos, i + 1);
            // a tag holds no '$': trying it only at each '$' keeps a crafted text linear
            int close = sql.indexOf('$', i + 1);
            while (close >= 0 && !sql.startsWith(delimiter, close)) {
                close = sql.indexOf('$', close + 1);
            }
            int end = close < 0 ? n : close + delimiter.length();
            tokens.add(new Token(Type.STRING, pos, end, sql.substring(i + 1, close < 0 ? n : close)));
            return end;
        }
        tokens.add(new Token(Type.SYMBOL, pos, pos + 1, "$"));
        return pos + 1;
    }

    /** {@code E'…'}: PostgreSQL's backslash escapes, decoded. */
    private static int escapeString(String sql, int start, int quoteAt, List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        int n = sql.length();
        int i = quoteAt + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                    text.append('\'');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (c != '\\' || i + 1 >= n) {
                text.append(c);
                i++;
                continue;
            }
            char e = sql.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'n' -> text.append('\n');
                case 't' -> text.append('\t');
                case 'r' -> text.append('\r');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'x' -> {
                    int j = i;
                    while (j < n && j < i + 2 && Character.digit(sql.charAt(j), 16) >= 0) {
                        j++;
                    }
                    if (j == i) {
                        text.append('x');
                    } else {
                        text.append((char) Integer.parseInt(sql, i, j, 16));
                        i = j;
                    }
                }
                case 'u', 'U' -> {
                    int digits = e == 'u' ? 4 : 8;
                    int j = i;
                    while (j < n && j < i + digits && Character.digit(sql.charAt(j), 16) >= 0) {
                        j++;
                    }
                    if (j - i != digits) {
                        text.append(e);
                    } else {
                        text.appendCodePoint(Integer.parseInt(sql, i, j, 16));
                        i = j;
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i - 1;
                        int end = Math.min(n, j + 3);
                        int k = j;
                        while (k < end && sql.charAt(k) >= '0' && sql.charAt(k) <= '7') {
                            k++;
                        }
                        text.append((char) (Integer.parseInt(sql, j, k, 8) & 0xFF));
                        i = k;
                    } else {
                        text.append(e);
                    }
                }
            }
        }
        tokens.add(new Token(Type.ESCAPE_STRING, start, i, text.toString()));
        return i;
    }
}
