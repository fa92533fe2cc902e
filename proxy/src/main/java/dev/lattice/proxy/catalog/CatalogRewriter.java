package dev.lattice.proxy.catalog;

import dev.lattice.proxy.pgsql.PgTokens;
import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Set;

/**
 * Points a client's catalog query at the catalog {@link PgCatalog} installs, on the token stream:
 * {@code pg_catalog.pg_class} → {@code pg_catalog.lattice_pg_class}, the catalog functions to their
 * aliases, {@code pg_roles} to the session's role, {@code OPERATOR(pg_catalog.~)} → {@code ~},
 * {@code COLLATE pg_catalog.default} dropped, {@code x::regclass} / {@code ::regtype} to the
 * relation's or type's name (or a name's OID); a query that needs a row of a relation that is always
 * empty over H2 (policies, triggers, publications, inheritance, ...) is answered with no row. Text
 * that mentions no catalog name comes back as it was.
 */
public final class CatalogRewriter {

    /** Words after a relation that are no alias of it. */
    private static final Set<String> NOT_ALIAS = Set.of("WHERE", "JOIN", "LEFT", "RIGHT", "INNER", "FULL", "CROSS",
            "NATURAL", "ON", "USING", "ORDER", "GROUP", "HAVING", "UNION", "EXCEPT", "INTERSECT", "LIMIT", "OFFSET",
            "FETCH", "FOR", "WINDOW", "RETURNING", "WITH");
    /** What a query answered with no row becomes. */
    static final String NO_ROWS = "SELECT NULL AS \"?column?\" WHERE FALSE";

    private final String user;
    private final Supplier<Map<String, String>> settings;

    /**
     * @param user the session's role, which owns every object and is the only row of {@code pg_roles}
     * @param settings the session's settings by name, the rows of {@code pg_settings}
     */
    public CatalogRewriter(String user, Supplier<Map<String, String>> settings) {
        this.user = user;
        this.settings = settings;
    }

    public String rewrite(String sql) {
        if (!mayMentionCatalog(sql)) {
            return sql; // the common case, decided without lexing
        }
        List<Token> t = PgTokens.lex(sql);
        if (!mentionsCatalog(t)) {
            return sql;
        }
        String expanded = bitAnd(ExpandArray.rewrite(sql));
        if (!expanded.equals(sql)) {
            sql = expanded;
            t = PgTokens.lex(sql);
        }
        if (needsAnEmptyRelation(t)) {
            return NO_ROWS;
        }
        StringBuilder out = new StringBuilder(sql.length() + 64);
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            String replacement = null;
            int first = i;
            int last = i;
            if (k.is("OPERATOR") && symbol(t, i + 1, '(') && word(t, i + 2, "PG_CATALOG") && symbol(t, i + 3, '.')) {
                int close = i + 4;
                while (close < t.size() && !t.get(close).isSymbol(')')) {
                    close++;
                }
                if (close < t.size() && close > i + 4) {
                    replacement = " " + sql.substring(t.get(i + 4).start(), t.get(close - 1).end()) + " ";
                    last = close;
                }
            } else if (k.is("COLLATE") && word(t, i + 1, "PG_CATALOG") && symbol(t, i + 2, '.')
                    && i + 3 < t.size()) {
                replacement = "";
                last = i + 3;
            } else if (k.isSymbol(':') && symbol(t, i + 1, ':') && i + 2 < t.size()) {
                int type = word(t, i + 2, "PG_CATALOG") && symbol(t, i + 3, '.') ? i + 4 : i + 2;
                if (type < t.size()) {
                    String name = t.get(type).value();
                    int operand = operandStart(t, i - 1);
                    if ((name.equals("REGCLASS") || name.equals("REGTYPE")) && operand >= 0
                            && t.get(operand).start() >= copied) {
                        replacement = cast(sql, t, operand, i - 1, name);
                        first = operand;
                        last = type;
                    } else if (type != i + 2) {
                        replacement = "::";
                        last = i + 3;
                    }
                }
            } else if (k.isSymbol('[') && i > 0 && operandStart(t, i - 1) >= 0
                    && t.get(operandStart(t, i - 1)).start() >= copied && vectorBase(t.get(i - 1)) >= 0) {
                // the catalog's small-integer arrays: PostgreSQL answers NULL outside them, H2 fails
                int close = i;
                while (close < t.size() && !t.get(close).isSymbol(']')) {
                    close++;
                }
                if (close < t.size() && close > i + 1) {
                    first = operandStart(t, i - 1);
                    last = close;
                    replacement = "pg_catalog.lattice_element(" + sql.substring(t.get(first).start(), t.get(i - 1).end())
                            + ", " + sql.substring(t.get(i + 1).start(), t.get(close - 1).end()) + ", "
                            + vectorBase(t.get(i - 1)) + ")";
                }
            } else if (k.is("INFORMATION_SCHEMA") && symbol(t, i + 1, '.') && word(t, i + 2, "COLUMNS")
                    && !symbol(t, i + 3, '.')) {
                // PostgreSQL's type names and serial's default (H2's own view has H2's)
                replacement = "pg_catalog.lattice_information_schema_columns" + (hasAlias(t, i + 2) ? "" : " AS columns");
                last = i + 2;
            } else if (k.is("PG_CATALOG") && symbol(t, i + 1, '.') && i + 2 < t.size()
                    && t.get(i + 2).type() == Type.WORD && !t.get(i + 2).value().startsWith("LATTICE_")) {
                String name = t.get(i + 2).value();
                replacement = name(t, i + 2, name, sql);
                if (replacement != null) {
                    last = name.equals("PG_GET_USERBYID") ? i + 3 : i + 2;
                } else if (name.equals("UNNEST") && optionsOf(t, i + 3)) {
                    replacement = "(SELECT CAST(NULL AS VARCHAR) AS " + sql.substring(t.get(i + 8).start(),
                            t.get(i + 8).end()) + " WHERE FALSE)";
                    last = i + 7;
                } else if (symbol(t, i + 3, '(')) {
                    replacement = ""; // one of H2's own functions (array_to_string, generate_series, ...)
                    last = i + 1;
                }
            } else if (k.type() == Type.WORD && !symbol(t, i - 1, '.')
                    && (symbol(t, i + 1, '(') || word(t, i - 1, "FROM") || word(t, i - 1, "JOIN") || symbol(t, i - 1, ','))) {
                replacement = name(t, i, k.value(), sql);
                if (replacement != null && k.is("PG_GET_USERBYID")) {
                    last = i + 1;
                }
            }
            if (replacement != null) {
                out.append(sql, copied, t.get(first).start()).append(replacement);
                copied = t.get(last).end();
                i = last;
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /** H2 has no {@code &} operator: {@code BITAND(left, right)}, right being one value with an optional cast. */
    private static String bitAnd(String sql) {
        List<Token> t = PgTokens.lex(sql);
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int copied = 0;
        for (int i = 1; i + 1 < t.size(); i++) {
            int first = operandStart(t, i - 1);
            if (t.get(i).isSymbol('&') && first >= 0 && t.get(first).start() >= copied) {
                int last = symbol(t, i + 2, ':') && symbol(t, i + 3, ':') && i + 4 < t.size() ? i + 4 : i + 1;
                out.append(sql, copied, t.get(first).start()).append("BITAND(")
                        .append(sql, t.get(first).start(), t.get(i - 1).end()).append(", ")
                        .append(sql, t.get(i + 1).start(), t.get(last).end()).append(')');
                copied = t.get(last).end();
                i = last;
            }
        }
        return copied == 0 ? sql : out.append(sql, copied, sql.length()).toString();
    }

    /** What a catalog name at index i stands for, or null when it is none of the catalog's. */
    private String name(List<Token> t, int i, String name, String sql) {
        boolean call = symbol(t, i + 1, '(');
        if (call) {
            String alias = CatalogNames.FUNCTIONS.get(name);
            if (name.equals("PG_GET_USERBYID")) {
                return "pg_catalog.lattice_pg_get_userbyid(" + literal(user) + ", ";
            }
            return alias == null ? null : "pg_catalog." + alias;
        }
        if (symbol(t, i + 1, '.')) {
            return null; // a column qualified by the relation's name: the relation keeps that name below
        }
        String plain = sql.substring(t.get(i).start(), t.get(i).end());
        String alias = hasAlias(t, i) ? "" : " AS " + plain;
        if (CatalogNames.RELATIONS.contains(name)) {
            return "pg_catalog." + CatalogNames.PREFIX + name.toLowerCase(java.util.Locale.ROOT) + alias;
        }
        if (CatalogNames.OWNED_RELATIONS.containsKey(name)) {
            return String.format(CatalogNames.OWNED_RELATIONS.get(name), literal(user)) + alias;
        }
        if (CatalogNames.ROLE_RELATIONS.contains(name)) {
            return roles() + alias;
        }
        if (name.equals(CatalogNames.SETTINGS)) {
            return settingsRelation() + alias;
        }
        return null;
    }

    /** The session's role as pg_roles, pg_user and pg_authid show it: a superuser that can log in. */
    private String roles() {
        String u = literal(user);
        return "(SELECT 10 AS oid, " + u + " AS rolname, TRUE AS rolsuper, TRUE AS rolinherit, FALSE AS rolcreaterole,"
                + " FALSE AS rolcreatedb, TRUE AS rolcanlogin, FALSE AS rolreplication, -1 AS rolconnlimit,"
                + " CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS rolvaliduntil, FALSE AS rolbypassrls,"
                + " '********' AS rolpassword, CAST(NULL AS VARCHAR ARRAY) AS rolconfig, " + u + " AS usename,"
                + " 10 AS usesysid, FALSE AS usecreatedb, TRUE AS usesuper, FALSE AS userepl, FALSE AS usebypassrls,"
                + " '********' AS passwd, CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS valuntil,"
                + " CAST(NULL AS VARCHAR ARRAY) AS useconfig)";
    }

    /** The session's settings as pg_settings lists them (every one a user may read, as text). */
    private String settingsRelation() {
        StringBuilder b = new StringBuilder("(SELECT * FROM (VALUES ");
        boolean first = true;
        for (Map.Entry<String, String> e : settings.get().entrySet()) {
            String value = literal(e.getValue());
            b.append(first ? "" : ", ").append('(').append(literal(e.getKey())).append(", ").append(value)
                    .append(", CAST(NULL AS VARCHAR), 'Lattice', '', CAST(NULL AS VARCHAR), 'user', 'string', 'default',"
                            + " CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR ARRAY), ")
                    .append(value).append(", ").append(value).append(", CAST(NULL AS VARCHAR), CAST(NULL AS INT), FALSE)");
            first = false;
        }
        return b.append(") AS v (name, setting, unit, category, short_desc, extra_desc, context, vartype, source,"
                + " min_val, max_val, enumvals, boot_val, reset_val, sourcefile, sourceline, pending_restart))").toString();
    }

    /** {@code operand::regclass} or {@code ::regtype}: a name for a column, an OID for a name's literal. */
    private static String cast(String sql, List<Token> t, int from, int to, String type) {
        String operand = sql.substring(t.get(from).start(), t.get(to).end());
        Token only = from == to ? t.get(from) : null;
        if (type.equals("REGTYPE")) {
            return "pg_catalog.lattice_format_type(" + operand + ", -1)";
        }
        if (only != null && only.type() == Type.STRING) {
            return "pg_catalog.lattice_regclass_oid(" + operand + ")";
        }
        return "pg_catalog.lattice_regclass_name(" + operand + ")";
    }

    /** Where the operand that ends at index end begins: a column (a.b), a literal or a parenthesised group. */
    private static int operandStart(List<Token> t, int end) {
        if (end < 0) {
            return -1;
        }
        Token k = t.get(end);
        if (k.type() == Type.STRING || k.type() == Type.NUMBER) {
            return end;
        }
        if (k.isSymbol(']')) {
            int open = end;
            while (open >= 0 && !t.get(open).isSymbol('[')) {
                open--;
            }
            return open > 0 ? operandStart(t, open - 1) : -1;
        }
        if (k.isSymbol(')')) {
            return PgTokens.opening(t, end);
        }
        if (k.type() != Type.WORD && k.type() != Type.QUOTED) {
            return -1;
        }
        int i = end;
        while (i >= 2 && t.get(i - 1).isSymbol('.') && (t.get(i - 2).type() == Type.WORD
                || t.get(i - 2).type() == Type.QUOTED)) {
            i -= 2;
        }
        return i;
    }

    /**
     * {@code (x.reloptions) alias}: the storage options of a relation, which are never set over H2 (so
     * {@code unnest} of them, which H2 cannot correlate in FROM, is an empty relation).
     */
    private static boolean optionsOf(List<Token> t, int open) {
        return symbol(t, open, '(') && open + 5 < t.size() && t.get(open + 1).type() == Type.WORD
                && symbol(t, open + 2, '.') && t.get(open + 3).is("RELOPTIONS") && symbol(t, open + 4, ')')
                && t.get(open + 5).type() == Type.WORD;
    }

    /** The first index of a catalog array column: 0 for int2vector (indkey, indoption), 1 for arrays; -1 if none. */
    private static int vectorBase(Token column) {
        if (column.type() != Type.WORD) {
            return -1;
        }
        return switch (column.value()) {
            case "INDKEY", "INDOPTION", "INDCLASS", "INDCOLLATION", "I_INDOPTION" -> 0;
            case "CONKEY", "CONFKEY", "PRATTRS", "STXKEYS" -> 1;
            default -> -1;
        };
    }

    private static boolean hasAlias(List<Token> t, int i) {
        if (i + 1 >= t.size()) {
            return false;
        }
        Token next = t.get(i + 1);
        return next.is("AS") || next.type() == Type.QUOTED || next.type() == Type.WORD && !NOT_ALIAS.contains(next.value());
    }

    /** Words the catalog answers begin with one of these (case aside); text without any needs no lexing. */
    private static final String[] NEEDLES = {"pg_", "information_schema", "format_type", "obj_description",
        "col_description", "current_schemas", "array_upper", "quote_ident"};

    static boolean mayMentionCatalog(String sql) {
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == 'p' || c == 'P' || c == 'i' || c == 'I' || c == 'f' || c == 'F' || c == 'o' || c == 'O'
                    || c == 'c' || c == 'C' || c == 'a' || c == 'A' || c == 'q' || c == 'Q') {
                for (String needle : NEEDLES) {
                    if (sql.regionMatches(true, i, needle, 0, needle.length())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean mentionsCatalog(List<Token> t) {
        for (Token k : t) {
            if (k.type() == Type.WORD && (k.value().equals("PG_CATALOG") || CatalogNames.RELATIONS.contains(k.value())
                    || CatalogNames.ROLE_RELATIONS.contains(k.value()) || CatalogNames.FUNCTIONS.containsKey(k.value())
                    || CatalogNames.OWNED_RELATIONS.containsKey(k.value())
                    || k.value().equals(CatalogNames.SETTINGS) || k.value().equals("INFORMATION_SCHEMA")
                    || k.value().equals("PG_GET_USERBYID"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every branch of a SELECT (its UNIONs) reads, at its top level and not on the optional
     * side of an outer join, a relation that never has a row over H2: then the answer is no row.
     */
    static boolean needsAnEmptyRelation(List<Token> t) {
        if (t.isEmpty() || !t.get(0).is("SELECT")) {
            return false;
        }
        int depth = 0;
        boolean branchEmpty = false;
        boolean inFrom = false;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol('(')) {
                depth++;
            } else if (k.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && (k.is("UNION") || k.is("EXCEPT") || k.is("INTERSECT"))) {
                if (!branchEmpty) {
                    return false;
                }
                branchEmpty = false;
                inFrom = false;
            } else if (depth == 0 && k.is("FROM")) {
                inFrom = true;
            } else if (depth == 0 && (k.is("WHERE") || k.is("GROUP") || k.is("ORDER"))) {
                inFrom = false;
            } else if (depth == 0 && inFrom && k.type() == Type.WORD && CatalogNames.ALWAYS_EMPTY.contains(k.value())
                    && !symbol(t, i + 1, '.') && !outerSide(t, i)) {
                branchEmpty = true;
            }
        }
        return branchEmpty;
    }

    /** Whether the relation at index i is joined by LEFT or FULL JOIN (so its emptiness empties nothing). */
    private static boolean outerSide(List<Token> t, int i) {
        int j = i - 1;
        if (symbol(t, j, '.')) {
            j -= 2;
        }
        if (!word(t, j, "JOIN")) {
            return false;
        }
        j--;
        if (word(t, j, "OUTER")) {
            j--;
        }
        return word(t, j, "LEFT") || word(t, j, "FULL");
    }

    private static boolean symbol(List<Token> t, int i, char c) {
        return i >= 0 && i < t.size() && t.get(i).isSymbol(c);
    }

    private static boolean word(List<Token> t, int i, String w) {
        return i >= 0 && i < t.size() && t.get(i).is(w);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
