package dev.lattice.proxy.pgsql;

import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's json and jsonb over H2's JSON, on the token stream. H2 turns a character string into
 * a JSON <em>string</em> where PostgreSQL parses it as JSON, so a string literal that becomes json
 * gets H2's {@code FORMAT JSON}: {@code '…'::jsonb}, {@code CAST('…' AS json)}, and a literal
 * inserted into, assigned to or compared with a json column (which {@link Tables} knows). The
 * operators {@code ->}, {@code ->>}, {@code #>}, {@code #>>}, which H2 lacks, become calls of
 * {@link JsonFunctions} ({@code pg_catalog.lattice_json_*}). A form this cannot rewrite faithfully
 * is refused (0A000), never run with another meaning.
 */
public final class PgJson {

    /** The json columns of the user's tables, as the primary has them now. */
    public interface Tables {
        Tables NONE = new Tables() {
            @Override
            public boolean none() {
                return true;
            }

            @Override
            public Shape shape(String schema, String table) {
                return null;
            }
        };

        /** Whether no table has a json column (then no statement needs a look). */
        boolean none() throws SQLException;

        /** The table's columns in order and which of them are json, or null when it has no json column. */
        Shape shape(String schema, String table) throws SQLException;
    }

    /** A table's columns (in order) and the json ones among them, by their names as H2 keeps them. */
    public record Shape(List<String> columns, Set<String> json) { }

    /** Words that may stand before a parenthesis without calling a function. */
    private static final Set<String> NOT_FUNCTIONS = Set.of("SELECT", "WHERE", "AND", "OR", "NOT", "ON", "IN",
            "WHEN", "THEN", "ELSE", "CASE", "HAVING", "BY", "AS", "VALUES", "SET", "RETURNING", "EXISTS", "FROM",
            "JOIN", "USING", "DISTINCT", "LIKE", "ILIKE", "IS", "BETWEEN", "ALL", "ANY", "SOME", "INTO", "DO",
            "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT");
    /** Operators that bind tighter than PostgreSQL's json operators: the left operand would be more than one term. */
    private static final String TIGHTER = "+-*/%^|";

    private PgJson() {
    }

    /**
     * The statement with its json forms rewritten; itself when it has none.
     *
     * @param functions whether the nodes have {@link JsonFunctions} (the proxy's catalog is on them)
     */
    public static String rewrite(String sql, boolean functions, Tables tables) throws SQLException {
        boolean quotes = sql.indexOf('\'') >= 0;
        boolean operators = sql.indexOf('>') >= 0;
        if (sql.indexOf('@') >= 0 || sql.indexOf('?') >= 0) {
            containment(sql);
        }
        boolean casts = mentionsJson(sql);
        if (!quotes && !operators && !casts) {
            return sql;
        }
        if (quotes) {
            sql = castLiterals(sql);
            sql = columnLiterals(sql, tables);
        }
        if (casts) {
            sql = castExpressions(sql);
        }
        if (operators) {
            sql = operators(sql, functions);
        }
        return sql;
    }

    /** {@code '…'::json[b]} and {@code CAST('…' AS json[b])} → {@code ('…' FORMAT JSON)}. */
    static String castLiterals(String sql) {
        List<Token> t = PgTokens.lex(sql);
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            int first = -1;
            int last = -1;
            int literal = -1;
            if (string(k) && symbol(t, i + 1, ':') && symbol(t, i + 2, ':') && json(t, i + 3)) {
                first = i;
                literal = i;
                last = i + 3;
            } else if (k.is("CAST") && symbol(t, i + 1, '(') && i + 2 < t.size() && string(t.get(i + 2))
                    && word(t, i + 3, "AS") && json(t, i + 4) && symbol(t, i + 5, ')')) {
                first = i;
                literal = i + 2;
                last = i + 5;
            }
            if (first >= 0) {
                out = out == null ? new StringBuilder(sql.length() + 32) : out;
                out.append(sql, copied, t.get(first).start()).append('(')
                        .append(sql, t.get(literal).start(), t.get(literal).end()).append(" FORMAT JSON)");
                copied = t.get(last).end();
                i = last;
            }
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    private static boolean mentionsJson(String sql) {
        for (int i = 0; i + 4 <= sql.length(); i++) {
            char c = sql.charAt(i);
            if ((c == 'j' || c == 'J') && sql.regionMatches(true, i, "json", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code x::json[b]} and {@code CAST(x AS json[b])} of anything but a literal (a column, a
     * parameter, a call, a parenthesised expression) → {@code (x FORMAT JSON)}: H2's cast to JSON
     * makes a JSON string of a character string, where PostgreSQL parses it as JSON text. A cast
     * whose operand this cannot delimit is refused (0A000), never turned into a JSON string.
     */
    static String castExpressions(String sql) throws SQLException {
        while (true) {
            List<Token> t = PgTokens.lex(sql);
            String next = null;
            for (int i = 0; i < t.size() && next == null; i++) {
                if (t.get(i).is("CAST") && symbol(t, i + 1, '(')) {
                    int close = PgTokens.closing(t, i + 1);
                    if (close > i + 4 && json(t, close - 1) && word(t, close - 2, "AS")) {
                        next = formatJson(sql, t, i, i + 2, close - 3, close);
                    }
                } else if (json(t, i) && !symbol(t, i + 1, '[') && symbol(t, i - 1, ':') && symbol(t, i - 2, ':')) {
                    int start = operandStart(t, i - 3);
                    if (start < 0) {
                        throw refused("a cast to json of this expression (put it in parentheses)");
                    }
                    next = formatJson(sql, t, start, start, i - 3, i);
                }
            }
            if (next == null) {
                return sql;
            }
            sql = next;
        }
    }

    /** The text with tokens from..to replaced by {@code (<tokens inFrom..inTo> FORMAT JSON)}. */
    private static String formatJson(String sql, List<Token> t, int from, int inFrom, int inTo, int to) {
        return sql.substring(0, t.get(from).start()) + "(" + sql.substring(t.get(inFrom).start(), t.get(inTo).end())
                + " FORMAT JSON)" + sql.substring(t.get(to).end());
    }

    /**
     * A string literal that goes into a json column ({@code INSERT … VALUES}), is assigned to one
     * ({@code SET c = '…'}) or compared with one ({@code c = '…'}, {@code c <> '…'}) is JSON text.
     */
    static String columnLiterals(String sql, Tables tables) throws SQLException {
        if (!(PgTokens.startsWithWord(sql, "INSERT") || PgTokens.startsWithWord(sql, "UPDATE")
                || PgTokens.startsWithWord(sql, "SELECT") || PgTokens.startsWithWord(sql, "DELETE")
                || PgTokens.startsWithWord(sql, "WITH")) || tables.none()) {
            return sql;
        }
        List<Token> t = PgTokens.lex(sql);
        List<Shape> shapes = new ArrayList<>();
        Shape target = null;
        for (int i = 0; i + 1 < t.size(); i++) {
            Token k = t.get(i);
            if (k.is("INTO") || k.is("UPDATE") || k.is("FROM") || k.is("JOIN")) {
                Shape s = shape(t, i + 1, tables);
                if (s != null) {
                    shapes.add(s);
                    if (i == 1 && k.is("INTO") && t.get(0).is("INSERT")) {
                        target = s;
                    }
                }
            }
        }
        if (shapes.isEmpty()) {
            return sql;
        }
        Set<String> json = new HashSet<>();
        Set<String> other = new HashSet<>();
        for (Shape s : shapes) {
            json.addAll(s.json());
            for (String c : s.columns()) {
                if (!s.json().contains(c)) {
                    other.add(c);
                }
            }
        }
        json.removeAll(other); // a name that is json in one table and not in another is left alone
        Set<Integer> literals = new HashSet<>();
        if (target != null) {
            insertedLiterals(t, target, literals);
        }
        for (int i = 0; i < t.size(); i++) {
            int op = comparison(t, i);
            if (op < 0) {
                continue;
            }
            int left = i - 1;
            int right = i + op;
            if (right < t.size() && string(t.get(right)) && column(t, left, json) && ends(t, right + 1)) {
                literals.add(right);
            } else if (left >= 0 && string(t.get(left)) && column(t, right, json) && ends(t, right + 1)
                    && (left == 0 || !operatorSymbol(t.get(left - 1)))) {
                literals.add(left);
            }
        }
        if (literals.isEmpty()) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length() + 16 * literals.size());
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            if (literals.contains(i)) {
                out.append(sql, copied, t.get(i).end()).append(" FORMAT JSON");
                copied = t.get(i).end();
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /** The literals of {@code INSERT INTO t [(columns)] VALUES (…), …} that go into json columns. */
    private static void insertedLiterals(List<Token> t, Shape target, Set<Integer> literals) {
        int i = 2;
        while (i < t.size() && (t.get(i).type() == Type.WORD || t.get(i).type() == Type.QUOTED || t.get(i).isSymbol('.'))
                && !t.get(i).is("VALUES")) {
            i++; // the table's name, and an alias
        }
        List<String> columns = target.columns();
        if (symbol(t, i, '(')) {
            int close = PgTokens.closing(t, i);
            if (close < 0) {
                return;
            }
            columns = new ArrayList<>();
            for (int c = i + 1; c < close; c++) {
                if (t.get(c).type() == Type.WORD) {
                    columns.add(t.get(c).value().toLowerCase(Locale.ROOT));
                } else if (t.get(c).type() == Type.QUOTED) {
                    columns.add(t.get(c).value());
                }
            }
            i = close + 1;
        }
        if (!word(t, i, "VALUES")) {
            return;
        }
        i++;
        while (symbol(t, i, '(')) {
            int close = PgTokens.closing(t, i);
            if (close < 0) {
                return;
            }
            int column = 0;
            int start = i + 1;
            int depth = 0;
            for (int j = i + 1; j <= close; j++) {
                if (t.get(j).isSymbol('(')) {
                    depth++;
                } else if (t.get(j).isSymbol(')') && j < close) {
                    depth--;
                } else if (depth == 0 && (t.get(j).isSymbol(',') || j == close)) {
                    if (j == start + 1 && string(t.get(start)) && column < columns.size()
                            && target.json().contains(columns.get(column))) {
                        literals.add(start);
                    }
                    column++;
                    start = j + 1;
                }
            }
            i = close + 1;
            if (!symbol(t, i, ',')) {
                return;
            }
            i++;
        }
    }

    private static Shape shape(List<Token> t, int i, Tables tables) throws SQLException {
        if (i >= t.size() || !name(t.get(i))) {
            return null;
        }
        if (symbol(t, i + 1, '.') && i + 2 < t.size() && name(t.get(i + 2))) {
            return tables.shape(plain(t.get(i)), plain(t.get(i + 2)));
        }
        return tables.shape("public", plain(t.get(i)));
    }

    /** At an {@code =}, {@code <>} or {@code !=} (not part of {@code <=}, {@code >=}, {@code =>}): its length, else -1. */
    private static int comparison(List<Token> t, int i) {
        Token k = t.get(i);
        if (k.isSymbol('=') && !adjacentSymbol(t, i - 1, i) && !adjacentSymbol(t, i, i + 1)) {
            return 1;
        }
        if ((k.isSymbol('<') && symbol(t, i + 1, '>') || k.isSymbol('!') && symbol(t, i + 1, '='))
                && adjacent(t, i, i + 1) && !adjacentSymbol(t, i - 1, i) && !adjacentSymbol(t, i + 1, i + 2)) {
            return 2;
        }
        return -1;
    }

    /** Whether a column reference ({@code c}, {@code t.c}) to a json column ends at index i. */
    private static boolean column(List<Token> t, int i, Set<String> json) {
        return i >= 0 && i < t.size() && name(t.get(i)) && !symbol(t, i + 1, '(') && !symbol(t, i - 1, ':')
                && json.contains(plain(t.get(i)));
    }

    /** Whether the term that ended before index i ends the operand there (nothing that binds tighter follows). */
    private static boolean ends(List<Token> t, int i) {
        if (i >= t.size()) {
            return true;
        }
        Token k = t.get(i);
        return k.isSymbol(',') || k.isSymbol(')') || k.isSymbol(';')
                || k.type() == Type.WORD && !k.is("FORMAT") && !k.is("COLLATE") && !k.is("AT");
    }

    /** {@code ->}, {@code ->>}, {@code #>}, {@code #>>}, left to right, into the functions' calls. */
    static String operators(String sql, boolean functions) throws SQLException {
        for (int round = 0; round < 1_000; round++) {
            List<Token> t = PgTokens.lex(sql);
            int at = firstOperator(t);
            if (at < 0) {
                return sql;
            }
            boolean path = t.get(at).isSymbol('#');
            boolean text = symbol(t, at + 2, '>') && adjacent(t, at + 1, at + 2);
            String operator = (path ? "#>" : "->") + (text ? ">" : "");
            if (!functions) {
                throw refused("the json operator " + operator + " (the nodes have no Lattice catalog: an H2 cluster the"
                        + " proxy does not run)");
            }
            int end = text ? at + 2 : at + 1;
            int left = operandStart(t, at - 1);
            if (left < 0) {
                throw refused("this left operand of " + operator + " (write it in parentheses)");
            }
            if (left > 0 && operatorSymbol(t.get(left - 1)) && TIGHTER.indexOf(t.get(left - 1).value().charAt(0)) >= 0) {
                throw refused("an operator before " + operator + "'s left operand (put the operand in parentheses)");
            }
            int right = end + 1;
            int rightEnd = right;
            String function;
            if (right >= t.size()) {
                throw new SQLException("syntax error at end of input", "42601");
            }
            Token key = t.get(right);
            if (path) {
                if (!string(key)) {
                    throw refused(operator + " with a path other than a string literal ('{a,0}')");
                }
                function = text ? "lattice_json_path_text" : "lattice_json_path";
            } else if (string(key)) {
                function = text ? "lattice_json_field_text" : "lattice_json_field";
            } else if (integer(key) || key.isSymbol('-') && right + 1 < t.size() && integer(t.get(right + 1))) {
                function = text ? "lattice_json_element_text" : "lattice_json_element";
                rightEnd = key.isSymbol('-') ? right + 1 : right;
            } else {
                throw refused(operator + " with a key other than a string or an integer literal");
            }
            if (rightEnd + 1 < t.size() && (symbol(t, rightEnd + 1, ':') || symbol(t, rightEnd + 1, '['))) {
                throw refused("a cast or subscript of " + operator + "'s key (put the whole " + operator
                        + " expression in parentheses)");
            }
            String call = "pg_catalog." + function + "(" + sql.substring(t.get(left).start(), t.get(at - 1).end())
                    + ", " + sql.substring(t.get(right).start(), t.get(rightEnd).end()) + ")";
            sql = sql.substring(0, t.get(left).start()) + (text ? call : "(" + call + " FORMAT JSON)")
                    + sql.substring(t.get(rightEnd).end());
        }
        throw refused("a statement with this many json operators");
    }

    /** jsonb's (and arrays') {@code @>}, {@code <@}, {@code ?}, {@code ?|}, {@code ?&}: H2 has none of them. */
    private static void containment(String sql) throws SQLException {
        List<Token> t = PgTokens.lex(sql);
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol('@') && symbol(t, i + 1, '>') && adjacent(t, i, i + 1)
                    || k.isSymbol('<') && symbol(t, i + 1, '@') && adjacent(t, i, i + 1)) {
                throw refused("the containment operator " + k.value() + t.get(i + 1).value());
            }
            if (k.isSymbol('?')) {
                throw refused("the jsonb operator ?" + (symbol(t, i + 1, '|') || symbol(t, i + 1, '&')
                        ? t.get(i + 1).value() : "") + " (and ? as a parameter: the extended protocol's are $1, $2, ...)");
            }
        }
    }

    private static int firstOperator(List<Token> t) {
        for (int i = 1; i + 1 < t.size(); i++) {
            Token k = t.get(i);
            if ((k.isSymbol('-') || k.isSymbol('#')) && t.get(i + 1).isSymbol('>') && adjacent(t, i, i + 1)
                    && !(t.get(i - 1).isSymbol('<') && adjacent(t, i - 1, i))) {
                return i;
            }
        }
        return -1;
    }

    /** Where the operand that ends at index end begins: a column, a literal, a parenthesised group or a call. */
    private static int operandStart(List<Token> t, int end) {
        if (end < 0) {
            return -1;
        }
        Token k = t.get(end);
        if (string(k) || k.type() == Type.NUMBER || k.type() == Type.PARAM) {
            return end;
        }
        if (k.isSymbol(')')) {
            int i = PgTokens.opening(t, end);
            if (i > 0 && t.get(i - 1).type() == Type.WORD && !NOT_FUNCTIONS.contains(t.get(i - 1).value())) {
                return qualified(t, i - 1);
            }
            return i;
        }
        if (k.type() == Type.WORD && end >= 2 && symbol(t, end - 1, ':') && symbol(t, end - 2, ':')) {
            return operandStart(t, end - 3); // x::json ->: the cast binds tighter
        }
        if (k.type() != Type.WORD && k.type() != Type.QUOTED || NOT_FUNCTIONS.contains(k.value())) {
            return -1;
        }
        return qualified(t, end);
    }

    private static int qualified(List<Token> t, int end) {
        int i = end;
        while (i >= 2 && t.get(i - 1).isSymbol('.') && name(t.get(i - 2))) {
            i -= 2;
        }
        return i;
    }

    private static boolean json(List<Token> t, int i) {
        return word(t, i, "JSON") || word(t, i, "JSONB");
    }

    private static boolean string(Token k) {
        return k.type() == Type.STRING || k.type() == Type.ESCAPE_STRING;
    }

    private static boolean integer(Token k) {
        if (k.type() != Type.NUMBER) {
            return false;
        }
        for (int i = 0; i < k.value().length(); i++) {
            if (!Character.isDigit(k.value().charAt(i))) {
                return false;
            }
        }
        return k.value().length() < 10;
    }

    private static boolean name(Token k) {
        return k.type() == Type.WORD || k.type() == Type.QUOTED;
    }

    /** A name as H2 keeps it in PostgreSQL mode: an unquoted one in lower case. */
    private static String plain(Token k) {
        return k.type() == Type.QUOTED ? k.value() : k.value().toLowerCase(Locale.ROOT);
    }

    private static boolean operatorSymbol(Token k) {
        return k.type() == Type.SYMBOL;
    }

    private static boolean adjacent(List<Token> t, int a, int b) {
        return a >= 0 && b < t.size() && t.get(a).end() == t.get(b).start();
    }

    /** Whether tokens a and b are both operator symbols written together (one operator such as {@code <=}). */
    private static boolean adjacentSymbol(List<Token> t, int a, int b) {
        return a >= 0 && b < t.size() && adjacent(t, a, b) && "<>=!~*+-/%^|&#@".indexOf(t.get(a).value().charAt(0)) >= 0
                && t.get(a).type() == Type.SYMBOL && t.get(b).type() == Type.SYMBOL
                && "<>=!~*+-/%^|&#@".indexOf(t.get(b).value().charAt(0)) >= 0;
    }

    private static boolean symbol(List<Token> t, int i, char c) {
        return i >= 0 && i < t.size() && t.get(i).isSymbol(c);
    }

    private static boolean word(List<Token> t, int i, String w) {
        return i >= 0 && i < t.size() && t.get(i).is(w);
    }

    private static SQLException refused(String form) {
        return new SQLException(form + " is not supported by the Lattice proxy over H2", "0A000");
    }
}
