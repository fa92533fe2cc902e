package dev.lattice.proxy.pgsql;

import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's {@code TRUNCATE [TABLE] [ONLY] a [, b …] [RESTART IDENTITY | CONTINUE IDENTITY]
 * [CASCADE | RESTRICT]} over H2. PostgreSQL's TRUNCATE is transactional and H2's commits, so it
 * becomes {@code DELETE FROM a} (rolled back with its transaction, replicated as row changes);
 * RESTART IDENTITY needs H2's own {@code TRUNCATE TABLE a RESTART IDENTITY}, which commits.
 * Several tables are several statements, run as one ({@link #split} makes them).
 */
public final class PgTruncate {

    /** The tag PostgreSQL answers. */
    public static final String TAG = "TRUNCATE TABLE";

    private PgTruncate() {
    }

    /** One statement per table of a TRUNCATE of several tables; null for any other statement. */
    public static List<String> split(String sql) {
        if (!PgTokens.startsWithWord(sql, "TRUNCATE")) {
            return null;
        }
        List<Token> t = PgTokens.lex(sql);
        Parsed p = parse(sql, t);
        if (p == null || p.tables.size() < 2) {
            return null;
        }
        List<String> statements = new ArrayList<>(p.tables.size());
        for (String table : p.tables) {
            statements.add("TRUNCATE TABLE " + table + p.options);
        }
        return statements;
    }

    /** The H2 statement of a TRUNCATE, or null when the statement is not one. */
    static String rewrite(String sql, List<Token> t) throws SQLException {
        Parsed p = parse(sql, t);
        if (p == null) {
            return null;
        }
        if (p.tables.size() != 1) {
            throw new SQLException("TRUNCATE of several tables must be split before it is rewritten", "XX000");
        }
        if (p.cascade) {
            throw new SQLException("TRUNCATE … CASCADE is not supported by the Lattice proxy over H2", "0A000");
        }
        return p.restartIdentity ? "TRUNCATE TABLE " + p.tables.get(0) + " RESTART IDENTITY"
                : "DELETE FROM " + p.tables.get(0);
    }

    /** Tables as written, and the options after them as written (with a leading space, or empty). */
    private record Parsed(List<String> tables, String options, boolean restartIdentity, boolean cascade) { }

    private static Parsed parse(String sql, List<Token> t) {
        int end = t.size();
        if (end > 0 && t.get(end - 1).isSymbol(';')) {
            end--;
        }
        if (end < 2 || !t.get(0).is("TRUNCATE")) {
            return null;
        }
        int i = 1;
        if (t.get(i).is("TABLE")) {
            i++;
        }
        List<String> tables = new ArrayList<>();
        while (i < end) {
            if (t.get(i).is("ONLY")) {
                i++;
            }
            int start = i;
            while (i < end && (t.get(i).type() == Type.WORD || t.get(i).type() == Type.QUOTED)
                    && !t.get(i).is("RESTART") && !t.get(i).is("CONTINUE") && !t.get(i).is("CASCADE")
                    && !t.get(i).is("RESTRICT")) {
                i++;
                if (i < end && t.get(i).isSymbol('.')) {
                    i++;
                } else {
                    break;
                }
            }
            if (i == start) {
                return null;
            }
            tables.add(sql.substring(t.get(start).start(), t.get(i - 1).end()));
            if (i < end && t.get(i).isSymbol('*')) {
                i++;
            }
            if (i < end && t.get(i).isSymbol(',')) {
                i++;
            } else {
                break;
            }
        }
        boolean restart = false;
        boolean cascade = false;
        int optionsAt = i;
        while (i < end) {
            Token k = t.get(i);
            if ((k.is("RESTART") || k.is("CONTINUE")) && i + 1 < end && t.get(i + 1).is("IDENTITY")) {
                restart = k.is("RESTART");
                i += 2;
            } else if (k.is("CASCADE") || k.is("RESTRICT")) {
                cascade |= k.is("CASCADE");
                i++;
            } else {
                return null;
            }
        }
        String options = optionsAt < end ? " " + sql.substring(t.get(optionsAt).start(), t.get(end - 1).end()) : "";
        return new Parsed(tables, options, restart, cascade);
    }
}
