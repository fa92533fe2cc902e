package dev.lattice.proxy.pgsql;

import dev.lattice.proxy.pgsql.PgTokens.Token;
import java.util.List;

/**
 * PostgreSQL's maintenance commands that have nothing to do over H2 ({@code VACUUM},
 * {@code ANALYZE}, {@code CHECKPOINT}, as pgbench and migration tools send them): the proxy
 * answers them with PostgreSQL's tag and runs nothing, as H2 keeps its own statistics and storage.
 */
public final class PgMaintenance {

    private PgMaintenance() {
    }

    /** The CommandComplete tag when the statement is one of them, else null. */
    public static String tag(String sql) {
        if (!PgTokens.startsWithWord(sql, "VACUUM") && !PgTokens.startsWithWord(sql, "ANALYZE")
                && !PgTokens.startsWithWord(sql, "ANALYSE") && !PgTokens.startsWithWord(sql, "CHECKPOINT")) {
            return null;
        }
        List<Token> t = PgTokens.lex(sql);
        if (t.isEmpty()) {
            return null;
        }
        Token first = t.get(0);
        if (first.is("VACUUM")) {
            return "VACUUM";
        }
        if (first.is("ANALYZE") || first.is("ANALYSE")) {
            return "ANALYZE";
        }
        if (first.is("CHECKPOINT") && (t.size() == 1 || t.size() == 2 && t.get(1).isSymbol(';'))) {
            return "CHECKPOINT";
        }
        return null;
    }
}
