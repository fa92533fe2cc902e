package dev.lattice.proxy.pgsql;

import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The names PostgreSQL gives the result columns of a SELECT that names them not (its
 * FigureColname): a function call is named after the function ({@code count(*)} → {@code count},
 * {@code now()} → {@code now}), a cast after its operand or else its type ({@code 1::int} →
 * {@code int4}), {@code CASE} → {@code case}, {@code ARRAY[…]} → {@code array}, {@code true} →
 * {@code bool}. H2 names several of them otherwise ({@code ?column?}, {@code localtimestamp},
 * {@code cast}), so each such item of the top-level select list gets PostgreSQL's name as an alias.
 * Other items (columns, aliased items, operators) are left as they are: H2 names those as PostgreSQL does.
 */
final class PgColumnNames {

    /** Words that end a select list. */
    private static final Set<String> END = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER",
            "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "FOR");
    /** Functions whose result column PostgreSQL names after the function it calls underneath. */
    private static final Map<String, String> RENAMED = Map.of("trim", "btrim");
    /** PostgreSQL's internal names of the types a cast names a column after. */
    private static final Map<String, String> TYPE_NAMES = Map.ofEntries(Map.entry("int", "int4"),
            Map.entry("integer", "int4"), Map.entry("bigint", "int8"), Map.entry("smallint", "int2"),
            Map.entry("boolean", "bool"), Map.entry("real", "float4"), Map.entry("double", "float8"),
            Map.entry("float", "float8"), Map.entry("decimal", "numeric"), Map.entry("character", "bpchar"),
            Map.entry("char", "bpchar"));

    private PgColumnNames() {
    }

    /** The statement with PostgreSQL's names added as aliases where H2's would differ; else the statement itself. */
    static String name(String sql) {
        if (!PgTokens.startsWithWord(sql, "SELECT")) {
            return sql;
        }
        List<Token> t = PgTokens.lex(sql);
        int i = 1;
        if (i < t.size() && t.get(i).is("ALL")) {
            i++;
        } else if (i < t.size() && t.get(i).is("DISTINCT")) {
            i++;
            if (i + 1 < t.size() && t.get(i).is("ON") && t.get(i + 1).isSymbol('(')) {
                i = close(t, i + 1) + 1;
            }
        }
        StringBuilder out = null;
        int copied = 0;
        while (i > 0 && i < t.size()) {
            int start = i;
            int depth = 0;
            while (i < t.size()) {
                Token k = t.get(i);
                if (k.isSymbol('(') || k.isSymbol('[')) {
                    depth++;
                } else if (k.isSymbol(')') || k.isSymbol(']')) {
                    depth--;
                } else if (depth == 0 && (k.isSymbol(',') || k.isSymbol(';') || k.type() == Type.WORD
                        && END.contains(k.value()))) {
                    break;
                }
                i++;
            }
            String name = i > start ? figure(t, start, i) : null;
            if (name != null) {
                out = out == null ? new StringBuilder(sql.length() + 32) : out;
                int at = t.get(i - 1).end();
                out.append(sql, copied, at).append(" AS \"").append(name.replace("\"", "\"\"")).append('"');
                copied = at;
            }
            if (i >= t.size() || !t.get(i).isSymbol(',')) {
                break;
            }
            i++;
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    /** PostgreSQL's name for the item t[from, to), or null where H2's is the same or the item is aliased. */
    private static String figure(List<Token> t, int from, int to) {
        // the last top-level cast names the item
        int cast = PgTokens.lastPairAtTopLevel(t, from, to, (a, b) -> a.isSymbol(':') && b.isSymbol(':'));
        if (cast > from) {
            String type = typeName(t, cast + 2, to);
            if (type == null) {
                return null;
            }
            String operand = operandName(t, from, cast);
            return operand != null ? operand : type;
        }
        return expressionName(t, from, to);
    }

    private static String expressionName(List<Token> t, int from, int to) {
        Token first = t.get(from);
        if (to - from == 1 && (first.is("TRUE") || first.is("FALSE"))) {
            return "bool";
        }
        if (first.is("CASE") && t.get(to - 1).is("END")) {
            return "case";
        }
        if (first.is("ARRAY") && to - from >= 3 && (t.get(from + 1).isSymbol('[') || t.get(from + 1).isSymbol('('))
                && close(t, from + 1) == to - 1) {
            return "array";
        }
        if (first.is("CAST") && to - from >= 4 && t.get(from + 1).isSymbol('(') && close(t, from + 1) == to - 1) {
            int as = topLevelAs(t, from + 2, to - 1);
            if (as < 0) {
                return null;
            }
            String type = typeName(t, as + 1, to - 1);
            String operand = operandName(t, from + 2, as);
            return operand != null ? operand : type;
        }
        if (jsonOperatorAtTopLevel(t, from, to)) {
            return "?column?"; // H2 names the function the operator becomes
        }
        return functionName(t, from, to);
    }

    /** {@code a->'k'}, {@code a->>0}, {@code a #>> '{k}'} with no alias: the item ends with the operator's key. */
    private static boolean jsonOperatorAtTopLevel(List<Token> t, int from, int to) {
        Token last = t.get(to - 1);
        if (last.type() != Type.STRING && last.type() != Type.NUMBER) {
            return false;
        }
        return PgTokens.lastPairAtTopLevel(t, from, to, (a, b) -> (a.isSymbol('-') || a.isSymbol('#'))
                && b.isSymbol('>') && a.end() == b.start()) >= 0;
    }

    /** A function call's name, for {@code [schema.]f(…) [FILTER (…)] [OVER (…) | OVER w]} exactly; else null. */
    private static String functionName(List<Token> t, int from, int to) {
        int name = from;
        if (name + 2 < to && isName(t.get(name)) && t.get(name + 1).isSymbol('.')) {
            name += 2;
        }
        if (name + 1 >= to || !isName(t.get(name)) || !t.get(name + 1).isSymbol('(')) {
            return null;
        }
        Token word = t.get(name);
        if (word.is("CAST") || word.is("ARRAY") || word.is("VALUES")) {
            return null;
        }
        int end = close(t, name + 1);
        if (end > 0 && end + 1 < to && t.get(end + 1).is("FILTER") && end + 2 < to && t.get(end + 2).isSymbol('(')) {
            end = close(t, end + 2);
        }
        if (end > 0 && end + 1 < to && t.get(end + 1).is("OVER")) {
            end = end + 2 < to && t.get(end + 2).isSymbol('(') ? close(t, end + 2)
                    : end + 2 < to && isName(t.get(end + 2)) ? end + 2 : -1;
        }
        if (end != to - 1) {
            return null;
        }
        String n = word.type() == Type.QUOTED ? word.value() : word.value().toLowerCase(Locale.ROOT);
        return RENAMED.getOrDefault(n, n);
    }

    /** The name a cast's operand gives it: a column's, or a function's, CASE's, …; null for any other operand. */
    private static String operandName(List<Token> t, int from, int to) {
        if (to <= from) {
            return null;
        }
        if (t.get(from).isSymbol('(') && close(t, from) == to - 1) {
            return operandName(t, from + 1, to - 1);
        }
        boolean column = isName(t.get(to - 1));
        for (int i = from; i < to && column; i++) {
            column = (i - from) % 2 == 0 ? isName(t.get(i)) : t.get(i).isSymbol('.');
        }
        if (column && !t.get(to - 1).is("TRUE") && !t.get(to - 1).is("FALSE") && !t.get(to - 1).is("NULL")) {
            Token last = t.get(to - 1);
            return last.type() == Type.QUOTED ? last.value() : last.value().toLowerCase(Locale.ROOT);
        }
        return expressionName(t, from, to);
    }

    /** The type a cast names, for {@code type [(n[, m])] [[]]} and the multi-word types exactly; else null. */
    private static String typeName(List<Token> t, int from, int to) {
        if (from >= to || t.get(from).type() != Type.WORD) {
            return null;
        }
        int i = from;
        if (i + 2 < to && t.get(i).type() == Type.WORD && t.get(i + 1).isSymbol('.')) {
            i += 2; // pg_catalog.int4
        }
        String first = t.get(i).value().toLowerCase(Locale.ROOT);
        i++;
        String name = TYPE_NAMES.getOrDefault(first, first);
        if (i < to && first.equals("double") && t.get(i).is("PRECISION")) {
            i++;
        } else if (i < to && first.equals("character") && t.get(i).is("VARYING")) {
            name = "varchar";
            i++;
        }
        if (i < to && t.get(i).isSymbol('(')) {
            i = close(t, i) + 1;
            if (i <= 0) {
                return null;
            }
        }
        if ((first.equals("timestamp") || first.equals("time")) && i + 2 < to && t.get(i + 1).is("TIME")
                && t.get(i + 2).is("ZONE")) {
            name = t.get(i).is("WITH") ? first + "tz" : first;
            i += 3;
        }
        boolean array = false;
        while (i + 1 < to && t.get(i).isSymbol('[') && t.get(i + 1).isSymbol(']')) {
            array = true;
            i += 2;
        }
        if (i != to) {
            return null; // an alias, an operator after the cast, ...: not a bare cast
        }
        return array ? "_" + name : name;
    }

    private static int topLevelAs(List<Token> t, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Token k = t.get(i);
            if (k.isSymbol('(')) {
                depth++;
            } else if (k.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && k.is("AS")) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isName(Token k) {
        return k.type() == Type.WORD || k.type() == Type.QUOTED;
    }

    /** The index of the bracket that closes the one at {@code open}, or -1. */
    private static int close(List<Token> t, int open) {
        char o = t.get(open).value().charAt(0);
        char c = o == '(' ? ')' : ']';
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).isSymbol(o)) {
                depth++;
            } else if (t.get(i).isSymbol(c) && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
