package dev.lattice.proxy.session;

import dev.lattice.proxy.pgsql.PgTokens;
import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import org.h2.tools.SimpleResultSet;

/**
 * A statement that is one call of an advisory lock function, {@code SELECT pg_try_advisory_xact_lock(42)}
 * (a {@code bigint} key or two {@code int} keys, literal numbers, an optional alias), answered by the
 * proxy from {@link AdvisoryLocks} each time it runs, so a prepared one takes the lock again.
 *
 * @param function the function's name, lower case
 * @param key the key; two int keys are the high and low halves of one long, as PostgreSQL keys them
 * @param column the result column's name: the alias, else the function's name (PostgreSQL's)
 */
record AdvisoryLockCall(String function, long key, String column) {

    private static final List<String> FUNCTIONS = List.of("PG_ADVISORY_LOCK", "PG_TRY_ADVISORY_LOCK",
            "PG_ADVISORY_XACT_LOCK", "PG_TRY_ADVISORY_XACT_LOCK", "PG_ADVISORY_UNLOCK", "PG_ADVISORY_UNLOCK_ALL");

    /** The call, or null when the statement is anything else. */
    static AdvisoryLockCall parse(String sql) {
        if (!PgTokens.startsWithWord(sql, "SELECT") || !mentionsAdvisory(sql)) {
            return null; // most statements, decided without lexing
        }
        List<Token> t = PgTokens.lex(sql);
        int end = t.size();
        if (end > 0 && t.get(end - 1).isSymbol(';')) {
            end--;
        }
        int i = 1;
        if (i + 1 < end && t.get(i).is("PG_CATALOG") && t.get(i + 1).isSymbol('.')) {
            i += 2;
        }
        if (i + 2 >= end || t.get(i).type() != Type.WORD || !FUNCTIONS.contains(t.get(i).value())
                || !t.get(i + 1).isSymbol('(')) {
            return null;
        }
        String function = t.get(i).value().toLowerCase(Locale.ROOT);
        int at = i + 2;
        long[] keys = new long[2];
        int n = 0;
        while (at < end && !t.get(at).isSymbol(')') && n < 2) {
            boolean negative = t.get(at).isSymbol('-');
            Token number = t.get(negative ? at + 1 : at);
            if (number.type() != Type.NUMBER || !number.value().chars().allMatch(Character::isDigit)) {
                return null;
            }
            try {
                keys[n++] = negative ? -Long.parseLong(number.value()) : Long.parseLong(number.value());
            } catch (NumberFormatException e) {
                return null;
            }
            at += negative ? 2 : 1;
            if (at < end && t.get(at).isSymbol(',')) {
                at++;
            }
        }
        boolean unlockAll = function.equals("pg_advisory_unlock_all");
        if (at >= end || !t.get(at).isSymbol(')') || (unlockAll ? n != 0 : n == 0)) {
            return null;
        }
        long key = n == 2 ? keys[0] << 32 | keys[1] & 0xffffffffL : keys[0];
        String column = function;
        at++;
        if (at < end && t.get(at).is("AS")) {
            at++;
        }
        if (at < end && (t.get(at).type() == Type.WORD || t.get(at).type() == Type.QUOTED)) {
            column = t.get(at).type() == Type.WORD ? t.get(at).value().toLowerCase(Locale.ROOT) : t.get(at).value();
            at++;
        }
        return at == end ? new AdvisoryLockCall(function, key, column) : null;
    }

    private static boolean mentionsAdvisory(String sql) {
        for (int i = sql.indexOf('_'); i >= 0 && i + 9 <= sql.length(); i = sql.indexOf('_', i + 1)) {
            if (sql.regionMatches(true, i + 1, "advisory", 0, 8)) {
                return true;
            }
        }
        return false;
    }

    /** Runs the call for this session: its one row, a boolean for the try and unlock forms, void for the others. */
    SimpleResultSet run(AdvisoryLocks locks, Object owner, AdvisoryLocks.Cancellation cancelled) throws SQLException {
        SimpleResultSet rs = columns();
        switch (function) {
            case "pg_try_advisory_lock" -> rs.addRow(locks.tryLock(owner, key, false));
            case "pg_try_advisory_xact_lock" -> rs.addRow(locks.tryLock(owner, key, true));
            case "pg_advisory_unlock" -> rs.addRow(locks.unlock(owner, key));
            case "pg_advisory_lock", "pg_advisory_xact_lock" -> {
                locks.lock(owner, key, function.equals("pg_advisory_xact_lock"), cancelled);
                rs.addRow("");
            }
            default -> {
                locks.releaseAll(owner);
                rs.addRow("");
            }
        }
        return rs;
    }

    /** The result's one column: boolean, or PostgreSQL's void (sent as text, an empty value). */
    SimpleResultSet columns() {
        SimpleResultSet rs = new SimpleResultSet();
        boolean bool = function.startsWith("pg_try_") || function.equals("pg_advisory_unlock");
        rs.addColumn(column, bool ? Types.BOOLEAN : Types.VARCHAR, 0, 0);
        return rs;
    }
}
