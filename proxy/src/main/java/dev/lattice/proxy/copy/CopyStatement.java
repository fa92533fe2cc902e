package dev.lattice.proxy.copy;

import dev.lattice.proxy.pgsql.PgTokens;
import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code COPY table [(columns)] FROM STDIN} or {@code COPY table [(columns)] | (query) TO STDOUT},
 * with options in PostgreSQL's current form ({@code WITH (FORMAT csv, HEADER true)}) or its old
 * one ({@code CSV HEADER}), read from the lexer's tokens.
 *
 * @param table the table as written (quotes kept), null for a query
 * @param tableName the table's name as PostgreSQL names it in errors ({@code COPY t, line 3})
 * @param columns the column list as written, empty when none was given
 * @param query the query of {@code COPY (query) TO STDOUT}, else null
 * @param from whether it is COPY FROM STDIN (else TO STDOUT)
 */
public record CopyStatement(String table, String tableName, List<String> columns, String query, boolean from,
                            CopyFormat format) {

    public static CopyStatement parse(String sql) throws SQLException {
        List<Token> t = PgTokens.lex(sql);
        int end = t.size();
        if (end > 0 && t.get(end - 1).isSymbol(';')) {
            end--;
        }
        Cursor c = new Cursor(sql, t.subList(0, end));
        c.expect("COPY");
        if (c.peekWord("BINARY")) {
            throw new SQLException("COPY in binary format is not supported by the Lattice proxy over H2", "0A000");
        }
        String table = null;
        String tableName = null;
        String query = null;
        List<String> columns = new ArrayList<>();
        if (c.peekSymbol('(')) {
            int close = c.matching();
            query = sql.substring(t.get(c.at + 1).start(), t.get(close - 1).end());
            c.at = close + 1;
        } else {
            int start = c.at;
            c.name();
            while (c.peekSymbol('.')) {
                c.at++;
                c.name();
            }
            table = sql.substring(t.get(start).start(), t.get(c.at - 1).end());
            Token last = t.get(c.at - 1);
            tableName = last.type() == Type.QUOTED ? last.value() : last.value().toLowerCase(Locale.ROOT);
            if (c.peekSymbol('(')) {
                int close = c.matching();
                for (c.at++; c.at < close; c.at++) {
                    Token k = t.get(c.at);
                    if (!k.isSymbol(',')) {
                        if (k.type() != Type.WORD && k.type() != Type.QUOTED) {
                            throw c.syntax();
                        }
                        columns.add(sql.substring(k.start(), k.end()));
                    }
                }
                c.at = close + 1;
            }
        }
        boolean from;
        if (c.peekWord("FROM")) {
            c.at++;
            c.expect("STDIN");
            from = true;
        } else {
            c.expect("TO");
            c.expect("STDOUT");
            from = false;
        }
        if (from && query != null) {
            throw new SQLException("COPY FROM does not take a query: name a table", "42601");
        }
        CopyFormat format = new CopyFormat();
        if (c.peekWord("WITH")) {
            c.at++;
        }
        if (c.peekSymbol('(')) {
            options(c, format);
        } else {
            oldOptions(c, format);
        }
        if (c.at < c.tokens.size()) {
            throw c.syntax();
        }
        format.check(from);
        return new CopyStatement(table, tableName == null ? "STDOUT" : tableName, columns, query, from, format);
    }

    /** {@code ( name [value] [, …] )}: the form of PostgreSQL 9.0 and later. */
    private static void options(Cursor c, CopyFormat format) throws SQLException {
        int close = c.matching();
        c.at++;
        while (c.at < close) {
            Token name = c.tokens.get(c.at++);
            if (name.type() != Type.WORD) {
                throw c.syntax(name);
            }
            String value = null;
            if (c.at < close && !c.tokens.get(c.at).isSymbol(',')) {
                Token v = c.tokens.get(c.at++);
                if (v.isSymbol('(') || v.isSymbol('*')) {
                    throw new SQLException("COPY option " + name.value().toLowerCase(Locale.ROOT)
                            + " is not supported by the Lattice proxy over H2", "0A000");
                }
                value = v.type() == Type.WORD ? v.value().toLowerCase(Locale.ROOT) : v.value();
            }
            format.option(name.value(), value);
            if (c.at < close) {
                if (!c.tokens.get(c.at).isSymbol(',')) {
                    throw c.syntax(c.tokens.get(c.at));
                }
                c.at++;
            }
        }
        c.at = close + 1;
    }

    /** {@code [BINARY] [DELIMITER [AS] 'd'] [NULL [AS] 'n'] [CSV [HEADER] [QUOTE [AS] 'q'] [ESCAPE [AS] 'e']]}. */
    private static void oldOptions(Cursor c, CopyFormat format) throws SQLException {
        while (c.at < c.tokens.size()) {
            Token k = c.tokens.get(c.at++);
            if (k.type() != Type.WORD) {
                throw c.syntax(k);
            }
            switch (k.value()) {
                case "BINARY" -> format.option("FORMAT", "binary");
                case "CSV" -> format.option("FORMAT", "csv");
                case "HEADER" -> format.option("HEADER", null);
                case "FREEZE" -> format.option("FREEZE", null);
                case "OIDS" -> throw new SQLException("COPY OIDS is not supported", "0A000");
                case "DELIMITER", "NULL", "QUOTE", "ESCAPE", "ENCODING" -> {
                    if (c.peekWord("AS")) {
                        c.at++;
                    }
                    if (c.at >= c.tokens.size() || c.tokens.get(c.at).type() != Type.STRING) {
                        throw c.syntax();
                    }
                    format.option(k.value(), c.tokens.get(c.at++).value());
                }
                case "FORCE" -> throw new SQLException("COPY option force is not supported by the Lattice proxy"
                        + " over H2", "0A000");
                default -> throw c.syntax(k);
            }
        }
    }

    /** A position in the tokens. */
    private static final class Cursor {
        final String sql;
        final List<Token> tokens;
        int at;

        Cursor(String sql, List<Token> tokens) {
            this.sql = sql;
            this.tokens = tokens;
        }

        boolean peekWord(String word) {
            return at < tokens.size() && tokens.get(at).is(word);
        }

        boolean peekSymbol(char symbol) {
            return at < tokens.size() && tokens.get(at).isSymbol(symbol);
        }

        void expect(String word) throws SQLException {
            if (!peekWord(word)) {
                throw syntax();
            }
            at++;
        }

        void name() throws SQLException {
            if (at >= tokens.size() || tokens.get(at).type() != Type.WORD && tokens.get(at).type() != Type.QUOTED) {
                throw syntax();
            }
            at++;
        }

        int matching() throws SQLException {
            return PgTokens.matching(tokens, at);
        }

        SQLException syntax() {
            return at < tokens.size() ? syntax(tokens.get(at)) : new SQLException("syntax error at end of input",
                    "42601");
        }

        SQLException syntax(Token k) {
            return new SQLException("syntax error at or near \"" + sql.substring(k.start(), k.end()) + "\"", "42601");
        }
    }
}
