package dev.lattice.proxy.pgsql;

import dev.lattice.proxy.catalog.CatalogRewriter;
import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.sql.SQLException;
import java.util.List;

/**
 * PostgreSQL's everyday forms that H2 (in PostgreSQL mode) rejects, rewritten into H2's equivalent
 * on the token stream before Lattice analyses the statement, so the statement then runs, is
 * routed and replicates as any other: {@code type[]} → {@code type ARRAY}, {@code jsonb} →
 * {@code JSON}, {@code timestamptz}, {@code smallserial}, {@code E'…'}, {@code '\x…'::bytea} →
 * {@code X'…'}, {@code ::regclass}, {@code ON CONFLICT (…) DO NOTHING / DO UPDATE} (→ MERGE),
 * {@code RETURNING} (→ H2's data change delta table), and the functions clients call
 * ({@code version()}, {@code pg_backend_pid()}, {@code current_setting(…)}, …), answered by the
 * proxy as literals. A form that cannot work is refused with 0A000.
 */
public final class PgRewriter {

    /** What the proxy answers for the functions it rewrites into literals. */
    public interface SessionFacts {
        /** The setting's value, or null when no such setting exists. */
        String setting(String name);

        /** Applies {@code set_config(name, value, local)}; returns the value now in effect. */
        String setConfig(String name, String value, boolean local) throws SQLException;

        int backendPid();

        String user();

        String database();

        /** The json columns of the user's tables (string literals that go into them are JSON text). */
        default PgJson.Tables jsonTables() {
            return PgJson.Tables.NONE;
        }

        /** Every setting a client may read (pg_settings), by PostgreSQL's name. */
        default java.util.Map<String, String> settings() {
            return java.util.Map.of();
        }
    }

    /**
     * A rewritten statement.
     *
     * @param sql the text H2 runs (and Lattice analyses and replicates)
     * @param rowsVerb for a rewritten {@code … RETURNING}: the verb of its CommandComplete tag
     *        (INSERT, UPDATE, DELETE), else null
     * @param tag the CommandComplete tag PostgreSQL gives the statement when the H2 text's own would
     *        differ (a TRUNCATE run as DELETE), else null
     */
    public record Rewritten(String sql, String rowsVerb, String tag) {
        public Rewritten(String sql, String rowsVerb) {
            this(sql, rowsVerb, null);
        }
    }

    public static final String VERSION = "PostgreSQL 15.0 (Lattice proxy over H2 2.5.252)";

    private final SessionFacts facts;
    private final boolean catalog;
    private CatalogRewriter catalogRewriter;

    public PgRewriter(SessionFacts facts) {
        this(facts, false);
    }

    /** @param catalog whether the nodes have the proxy's {@code pg_catalog} (see {@link CatalogRewriter}) */
    public PgRewriter(SessionFacts facts, boolean catalog) {
        this.facts = facts;
        this.catalog = catalog;
    }

    public Rewritten rewrite(String sql) throws SQLException {
        // before the catalog's rewrites, which rename the functions the client called
        sql = PgColumnNames.name(sql);
        if (catalog) {
            if (catalogRewriter == null) {
                catalogRewriter = new CatalogRewriter(facts.user(), facts::settings);
            }
            sql = catalogRewriter.rewrite(sql);
        }
        sql = PgJson.rewrite(sql, catalog, facts.jsonTables());
        String h2 = tokens(sql);
        List<Token> t = PgTokens.lex(h2);
        if (t.isEmpty() || t.get(0).type() != Type.WORD) {
            return new Rewritten(h2, null);
        }
        String verb = t.get(0).value();
        if (verb.equals("TRUNCATE")) {
            String delete = PgTruncate.rewrite(h2, t);
            return delete == null ? new Rewritten(h2, null) : new Rewritten(delete, null, PgTruncate.TAG);
        }
        if (verb.equals("CREATE")) {
            return new Rewritten(withoutStorageParameters(h2, t), null);
        }
        if (!verb.equals("INSERT") && !verb.equals("UPDATE") && !verb.equals("DELETE")) {
            return new Rewritten(h2, null);
        }
        int end = t.size();
        if (t.get(end - 1).isSymbol(';')) {
            h2 = h2.substring(0, t.get(end - 1).start());
            t = t.subList(0, end - 1);
        }
        int returning = topLevel(t, 0, "RETURNING");
        if (verb.equals("INSERT")) {
            int on = topLevelOnConflict(t);
            if (on >= 0) {
                if (returning >= 0 && returning > on && upsert(t, on)) {
                    throw refused("INSERT … ON CONFLICT … DO UPDATE … RETURNING");
                }
                String body = onConflict(h2, t, on, returning);
                if (returning < 0) {
                    return new Rewritten(body, null);
                }
                h2 = body + " " + h2.substring(t.get(returning).start());
                t = PgTokens.lex(h2);
                returning = topLevel(t, 0, "RETURNING");
            }
        }
        if (returning < 0) {
            return new Rewritten(h2, null);
        }
        String list = h2.substring(t.get(returning).end()).trim();
        String statement = h2.substring(0, t.get(returning).start()).trim();
        String table = verb.equals("DELETE") ? "OLD TABLE" : "FINAL TABLE";
        return new Rewritten("SELECT " + list + " FROM " + table + " (" + statement + ")", verb);
    }

    /** The token-level rewrites: types, strings, casts and the functions answered as literals. */
    private String tokens(String sql) throws SQLException {
        List<Token> t = PgTokens.lex(sql);
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            String replacement = null;
            int last = i;
            if (k.isSymbol('[') && i + 1 < t.size() && t.get(i + 1).isSymbol(']') && !(i > 0 && t.get(i - 1).is("ARRAY"))) {
                replacement = " ARRAY";
                last = i + 1;
            } else if (k.type() == Type.WORD && !followedBy(t, i, '(') && !precededBy(t, i, '.')) {
                replacement = switch (k.value()) {
                    case "JSONB" -> "JSON";
                    case "TIMESTAMPTZ" -> "TIMESTAMP WITH TIME ZONE";
                    case "TIMETZ" -> "TIME(6) WITH TIME ZONE";
                    case "TIME" -> timeType(t, i) ? "TIME(6)" : null;
                    case "SMALLSERIAL", "SERIAL2" -> "SMALLINT GENERATED BY DEFAULT AS IDENTITY";
                    case "SERIAL4" -> "SERIAL";
                    case "SERIAL8" -> "BIGSERIAL";
                    case "CURRENT_USER", "SESSION_USER" -> literal(facts.user());
                    case "CURRENT_CATALOG" -> literal(facts.database());
                    default -> null;
                };
            } else if (k.type() == Type.WORD && followedBy(t, i, '(') && !precededBy(t, i, '.')) {
                int close = i + 2 < t.size() && t.get(i + 2).isSymbol(')') ? i + 2 : -1;
                switch (k.value()) {
                    case "PG_BACKEND_PID" -> {
                        if (close > 0) {
                            replacement = Integer.toString(facts.backendPid());
                            last = close;
                        }
                    }
                    case "VERSION" -> {
                        if (close > 0) {
                            replacement = literal(VERSION);
                            last = close;
                        }
                    }
                    case "CURRENT_DATABASE", "CURRENT_CATALOG" -> {
                        if (close > 0) {
                            replacement = literal(facts.database());
                            last = close;
                        }
                    }
                    case "CURRENT_SETTING" -> {
                        int at = currentSetting(t, i);
                        if (at > 0) {
                            String name = t.get(i + 2).value();
                            String value = facts.setting(name);
                            boolean missingOk = at == i + 6 && t.get(i + 4).is("TRUE");
                            if (value == null && !missingOk) {
                                throw new SQLException("unrecognized configuration parameter \"" + name + "\"",
                                        "42704");
                            }
                            replacement = value == null ? "CAST(NULL AS VARCHAR)" : literal(value);
                            last = at;
                        }
                    }
                    case "SET_CONFIG" -> {
                        if (i + 7 < t.size() && t.get(i + 2).type() == Type.STRING && t.get(i + 3).isSymbol(',')
                                && t.get(i + 4).type() == Type.STRING && t.get(i + 5).isSymbol(',')
                                && (t.get(i + 6).is("TRUE") || t.get(i + 6).is("FALSE")) && t.get(i + 7).isSymbol(')')) {
                            replacement = literal(facts.setConfig(t.get(i + 2).value(), t.get(i + 4).value(),
                                    t.get(i + 6).is("TRUE")));
                            last = i + 7;
                        }
                    }
                    default -> {
                    }
                }
            } else if (k.type() == Type.ESCAPE_STRING) {
                replacement = bytea(t, i) ? hex(k.value()) : literal(k.value());
                last = bytea(t, i) ? i + 3 : i;
            } else if (k.type() == Type.STRING && bytea(t, i) && sql.charAt(k.start()) == '\''
                    && k.value().startsWith("\\x")) {
                replacement = hex(k.value());
                last = i + 3;
            } else if (k.isSymbol(':') && i + 2 < t.size() && t.get(i + 1).isSymbol(':')
                    && (t.get(i + 2).is("REGCLASS") || t.get(i + 2).is("REGTYPE") || t.get(i + 2).is("REGPROC"))) {
                replacement = "";
                last = i + 2;
            }
            if (replacement != null) {
                out.append(sql, copied, k.start()).append(replacement);
                copied = t.get(last).end();
                i = last;
            }
        }
        return copied == 0 ? sql : out.append(sql, copied, sql.length()).toString();
    }

    /**
     * Whether the word TIME at index i names a column's type in DDL or a cast's ({@code ::time}):
     * PostgreSQL's time keeps microseconds, H2's TIME whole seconds unless given a precision.
     */
    private static boolean timeType(List<Token> t, int i) {
        if (i >= 2 && t.get(i - 1).isSymbol(':') && t.get(i - 2).isSymbol(':')) {
            return true;
        }
        if (i < 1 || !(t.get(0).is("CREATE") || t.get(0).is("ALTER"))) {
            return false;
        }
        Token before = t.get(i - 1);
        return before.type() == Type.QUOTED || before.type() == Type.WORD && !before.is("AT") && !before.is("WITH")
                && !before.is("WITHOUT");
    }

    /**
     * {@code CREATE TABLE … WITH (fillfactor=100)} and {@code CREATE INDEX … WITH (…)}: storage
     * parameters tune PostgreSQL's heap and indexes, H2 has none of them, so they are dropped.
     */
    private static String withoutStorageParameters(String sql, List<Token> t) throws SQLException {
        int object = -1;
        for (int i = 1; i < Math.min(t.size(), 5) && object < 0; i++) {
            if (t.get(i).is("TABLE") || t.get(i).is("INDEX")) {
                object = i;
            }
        }
        if (object < 0) {
            return sql;
        }
        int with = topLevel(t, object, "WITH");
        if (with < 0 || with + 1 >= t.size() || !t.get(with + 1).isSymbol('(')) {
            return sql;
        }
        int close = matching(t, with + 1);
        return sql.substring(0, t.get(with).start()) + sql.substring(t.get(close).end());
    }

    /** {@code current_setting('name')} or {@code current_setting('name', bool)}: the index of its ')', else -1. */
    private static int currentSetting(List<Token> t, int i) {
        if (i + 3 < t.size() && t.get(i + 2).type() == Type.STRING) {
            if (t.get(i + 3).isSymbol(')')) {
                return i + 3;
            }
            if (i + 5 < t.size() && t.get(i + 3).isSymbol(',') && (t.get(i + 4).is("TRUE") || t.get(i + 4).is("FALSE"))
                    && t.get(i + 5).isSymbol(')')) {
                return i + 5;
            }
        }
        return -1;
    }

    private static boolean bytea(List<Token> t, int i) {
        return i + 3 < t.size() && t.get(i + 1).isSymbol(':') && t.get(i + 2).isSymbol(':') && t.get(i + 3).is("BYTEA");
    }

    /** {@code '\x0001ff'} as H2's binary literal {@code X'0001ff'}. */
    private static String hex(String text) throws SQLException {
        if (!text.startsWith("\\x")) {
            throw new SQLException("bytea input other than the hex format ('\\x…') is not supported by the Lattice"
                    + " proxy over H2", "0A000");
        }
        String digits = text.substring(2);
        if (digits.length() % 2 != 0) {
            throw new SQLException("invalid hexadecimal data: odd number of digits", "22023");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), 16) < 0) {
                throw new SQLException("invalid hexadecimal digit: \"" + digits.charAt(i) + "\"", "22023");
            }
        }
        return "X'" + digits + "'";
    }

    /** Rewrites {@code ON CONFLICT …}; returns the statement up to RETURNING (exclusive). */
    private static String onConflict(String sql, List<Token> t, int on, int returning) throws SQLException {
        int stop = returning < 0 ? t.size() : returning;
        int doAt = topLevel(t, on, "DO");
        if (doAt < 0 || doAt + 1 >= stop) {
            throw new SQLException("syntax error at or near \"CONFLICT\"", "42601");
        }
        String head = sql.substring(0, t.get(on).start());
        if (t.get(doAt + 1).is("NOTHING")) {
            String rest = doAt + 2 < stop ? sql.substring(t.get(doAt + 2).start(), t.get(stop - 1).end()) : "";
            return head + "ON CONFLICT DO NOTHING" + (rest.isEmpty() ? "" : " " + rest);
        }
        if (!t.get(doAt + 1).is("UPDATE") || doAt + 2 >= stop || !t.get(doAt + 2).is("SET")) {
            throw new SQLException("syntax error at or near \"" + t.get(doAt + 1).value() + "\"", "42601");
        }
        // INSERT INTO table [(columns)] source ON CONFLICT (keys) DO UPDATE SET … [WHERE …]
        int i = 1;
        if (i >= on || !t.get(i).is("INTO")) {
            throw refused("this form of INSERT … ON CONFLICT");
        }
        int tableStart = ++i;
        while (i < on && (t.get(i).type() == Type.WORD || t.get(i).type() == Type.QUOTED || t.get(i).isSymbol('.'))
                && !t.get(i).is("VALUES") && !t.get(i).is("SELECT") && !t.get(i).is("AS")) {
            i++;
        }
        String table = sql.substring(t.get(tableStart).start(), t.get(i - 1).end());
        if (i < on && t.get(i).is("AS")) {
            throw refused("INSERT … AS alias … ON CONFLICT … DO UPDATE");
        }
        if (i >= on || !t.get(i).isSymbol('(')) {
            throw refused("INSERT … ON CONFLICT … DO UPDATE without a column list");
        }
        int columnsClose = matching(t, i);
        String columns = sql.substring(t.get(i + 1).start(), t.get(columnsClose - 1).end());
        String source = sql.substring(t.get(columnsClose + 1).start(), t.get(on - 1).end());
        if (on + 2 >= doAt || !t.get(on + 2).isSymbol('(')) {
            throw refused("ON CONFLICT … DO UPDATE without a conflict target column list (or with ON CONSTRAINT)");
        }
        int keysClose = matching(t, on + 2);
        StringBuilder match = new StringBuilder();
        for (int k = on + 3; k < keysClose; k++) {
            Token key = t.get(k);
            if (key.isSymbol(',')) {
                continue;
            }
            if (key.type() != Type.WORD && key.type() != Type.QUOTED) {
                throw refused("an ON CONFLICT target other than a list of columns");
            }
            String name = sql.substring(key.start(), key.end());
            match.append(match.length() == 0 ? "" : " AND ").append(table).append('.').append(name)
                    .append(" = excluded.").append(name);
        }
        int where = topLevel(t, doAt, "WHERE");
        int setEnd = where < 0 || where > stop ? stop : where;
        String set = sql.substring(t.get(doAt + 3).start(), t.get(setEnd - 1).end());
        String condition = where < 0 || where > stop ? "" : " AND " + sql.substring(t.get(where + 1).start(),
                t.get(stop - 1).end());
        StringBuilder values = new StringBuilder();
        for (String column : columns.split(",")) {
            values.append(values.length() == 0 ? "" : ", ").append("excluded.").append(column.trim());
        }
        return "MERGE INTO " + table + " USING (" + source + ")" + " AS excluded (" + columns + ") ON " + match
                + " WHEN MATCHED" + condition + " THEN UPDATE SET " + set + " WHEN NOT MATCHED THEN INSERT ("
                + columns + ") VALUES (" + values + ")";
    }

    private static boolean upsert(List<Token> t, int on) {
        int doAt = topLevel(t, on, "DO");
        return doAt >= 0 && doAt + 1 < t.size() && t.get(doAt + 1).is("UPDATE");
    }

    private static int topLevelOnConflict(List<Token> t) {
        int depth = 0;
        for (int i = 0; i + 1 < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol('(')) {
                depth++;
            } else if (k.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && k.is("ON") && t.get(i + 1).is("CONFLICT")) {
                return i;
            }
        }
        return -1;
    }

    /** The first token at parenthesis depth 0 from {@code from} on that is this word, else -1. */
    private static int topLevel(List<Token> t, int from, String word) {
        int depth = 0;
        for (int i = from; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol('(')) {
                depth++;
            } else if (k.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && k.is(word)) {
                return i;
            }
        }
        return -1;
    }

    private static int matching(List<Token> t, int open) throws SQLException {
        return PgTokens.matching(t, open);
    }

    private static boolean followedBy(List<Token> t, int i, char symbol) {
        return i + 1 < t.size() && t.get(i + 1).isSymbol(symbol);
    }

    private static boolean precededBy(List<Token> t, int i, char symbol) {
        return i > 0 && t.get(i - 1).isSymbol(symbol);
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static SQLException refused(String form) {
        return new SQLException(form + " is not supported by the Lattice proxy over H2", "0A000");
    }
}
