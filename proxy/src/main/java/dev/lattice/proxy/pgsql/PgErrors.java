package dev.lattice.proxy.pgsql;

import dev.lattice.proxy.session.SqlStates;
import java.sql.SQLException;
import java.util.Locale;
import org.h2.api.ErrorCode;
import org.h2.jdbc.JdbcException;

/**
 * H2's errors as PostgreSQL words them: PostgreSQL's SQLState, its message with the identifiers
 * H2 named (as H2 folded them, which in PostgreSQL mode is PostgreSQL's folding), a detail where
 * H2's message carries one, and never H2's error code or its echo of the statement. Failures that
 * are not H2's (Lattice's own, a PostgreSQL node's) are left alone.
 */
public final class PgErrors {

    /** A failure as the proxy reports it. */
    public record PgError(String sqlState, String message, String detail) {
    }

    private PgErrors() {
    }

    /** PostgreSQL's wording of this failure when it is H2's, else null. */
    public static PgError of(SQLException e) {
        JdbcException h2 = h2Cause(e);
        if (h2 == null) {
            return null;
        }
        String m = h2.getOriginalMessage();
        if (m == null) {
            m = "";
        }
        switch (((SQLException) h2).getErrorCode()) {
            case ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1, ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2,
                 ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1 ->
                    { return new PgError("42P01", "relation \"" + quoted(m, 0) + "\" does not exist", null); }
            case ErrorCode.COLUMN_NOT_FOUND_1 ->
                    { return new PgError("42703", "column \"" + quoted(m, 0) + "\" does not exist", null); }
            case ErrorCode.TABLE_OR_VIEW_ALREADY_EXISTS_1 ->
                    { return new PgError("42P07", "relation \"" + quoted(m, 0) + "\" already exists", null); }
            case ErrorCode.SCHEMA_NOT_FOUND_1 ->
                    { return new PgError("3F000", "schema \"" + quoted(m, 0) + "\" does not exist", null); }
            case ErrorCode.SCHEMA_ALREADY_EXISTS_1 ->
                    { return new PgError("42P06", "schema \"" + quoted(m, 0) + "\" already exists", null); }
            case ErrorCode.DUPLICATE_COLUMN_NAME_1 ->
                    { return new PgError("42701", "column \"" + quoted(m, 0) + "\" specified more than once", null); }
            case ErrorCode.FUNCTION_NOT_FOUND_1 ->
                    { return new PgError("42883", "function " + quoted(m, 0) + " does not exist", null); }
            case ErrorCode.INDEX_NOT_FOUND_1, ErrorCode.CONSTRAINT_NOT_FOUND_1, ErrorCode.SEQUENCE_NOT_FOUND_1 ->
                    { return new PgError("42704", kind(m) + " \"" + quoted(m, 0) + "\" does not exist", null); }
            case ErrorCode.SYNTAX_ERROR_1, ErrorCode.SYNTAX_ERROR_2 -> { return syntax(m); }
            case ErrorCode.DIVISION_BY_ZERO_1 -> { return new PgError("22012", "division by zero", null); }
            case ErrorCode.NULL_NOT_ALLOWED ->
                    { return new PgError("23502", "null value in column \"" + quoted(m, 0)
                            + "\" violates not-null constraint", null); }
            case ErrorCode.DUPLICATE_KEY_1 -> { return duplicateKey(m); }
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1 ->
                    { return foreignKey(m, "insert or update on table \"", "Key is not present in the referenced table."); }
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_CHILD_EXISTS_1 ->
                    { return foreignKey(m, "update or delete on table \"", "Key is still referenced from a table."); }
            case ErrorCode.CHECK_CONSTRAINT_VIOLATED_1 ->
                    { return new PgError("23514", "new row violates check constraint \"" + checkName(m) + "\"", null); }
            case ErrorCode.VALUE_TOO_LONG_2 ->
                    { return new PgError("22001", "value too long for column \"" + firstWord(quoted(m, 0)) + "\"",
                            null); }
            case ErrorCode.DATA_CONVERSION_ERROR_1 ->
                    { return new PgError("22P02", "invalid input syntax: \"" + quoted(m, 0) + "\"", null); }
            case ErrorCode.NUMERIC_VALUE_OUT_OF_RANGE_1, ErrorCode.NUMERIC_VALUE_OUT_OF_RANGE_2 ->
                    { return new PgError("22003", "numeric value out of range", null); }
            case ErrorCode.DEADLOCK_1 -> { return new PgError("40P01", "deadlock detected", null); }
            case ErrorCode.LOCK_TIMEOUT_1 -> { return new PgError("55P03", "could not obtain lock", null); }
            case ErrorCode.STATEMENT_WAS_CANCELED ->
                    { return new PgError("57014", "canceling statement due to user request", null); }
            default -> {
                return new PgError(SqlStates.of((SQLException) h2), m, null);
            }
        }
    }

    /** The H2 exception behind this failure, when the failure is that exception (same SQLState). */
    private static JdbcException h2Cause(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JdbcException j && t instanceof SQLException s) {
                return s.getSQLState() != null && s.getSQLState().equals(e.getSQLState()) ? j : null;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** PostgreSQL's "syntax error at or near" the token H2 marked with {@code [*]}. */
    private static PgError syntax(String m) {
        int mark = m.indexOf("[*]");
        if (mark < 0) {
            return new PgError("42601", "syntax error", null);
        }
        int end = m.indexOf("\"; expected", mark);
        if (end < 0) {
            end = m.lastIndexOf('"');
        }
        if (end < mark) {
            end = m.length();
        }
        int i = mark + 3;
        while (i < end && Character.isWhitespace(m.charAt(i))) {
            i++;
        }
        if (i >= end) {
            return new PgError("42601", "syntax error at end of input", null);
        }
        int j = i;
        char c = m.charAt(i);
        if (Character.isLetterOrDigit(c) || c == '_') {
            while (j < end && (Character.isLetterOrDigit(m.charAt(j)) || m.charAt(j) == '_' || m.charAt(j) == '$')) {
                j++;
            }
        } else if (c == '\'' || c == '"') {
            j = m.indexOf(c, i + 1);
            j = j < 0 || j > end ? end : j + 1;
        } else {
            j = i + 1;
        }
        return new PgError("42601", "syntax error at or near \"" + m.substring(i, j) + "\"", null);
    }

    /**
     * H2: {@code "public.CONSTRAINT_7 PRIMARY KEY ON public.t(id) ( /* key:1 *&#47; 1, 'a')"} or
     * {@code "public.CONSTRAINT_74 INDEX public.CONSTRAINT_INDEX_7 ON public.t(a NULLS LAST) VALUES ( /* 1 *&#47; 'a' )"}.
     */
    private static PgError duplicateKey(String m) {
        String body = quotedToEnd(m);
        int on = body.indexOf(" ON ");
        int open = on < 0 ? -1 : body.indexOf('(', on);
        int close = open < 0 ? -1 : body.indexOf(')', open);
        if (on < 0 || open < 0 || close < 0) {
            return new PgError("23505", "duplicate key value violates unique constraint", null);
        }
        String table = unqualified(body.substring(on + 4, open).trim());
        StringBuilder columns = new StringBuilder();
        for (String column : body.substring(open + 1, close).split(",")) {
            String name = column.trim();
            int space = name.indexOf(' ');
            columns.append(columns.length() == 0 ? "" : ", ").append(space < 0 ? name : name.substring(0, space));
        }
        boolean primary = body.contains(" PRIMARY KEY ON ");
        String constraint = unqualified(firstWord(body));
        if (primary && constraint.toUpperCase(Locale.ROOT).startsWith("CONSTRAINT_")
                || constraint.toUpperCase(Locale.ROOT).startsWith("PRIMARY_KEY_")) {
            constraint = table + "_pkey";
        } else if (constraint.toUpperCase(Locale.ROOT).startsWith("CONSTRAINT_")) {
            constraint = table + "_" + columns.toString().replace(", ", "_") + "_key";
        }
        String detail = null;
        int values = body.indexOf(" VALUES (", close);
        if (!primary && values >= 0) {
            String v = body.substring(values + 9, body.lastIndexOf(')') < values ? body.length() : body.lastIndexOf(')'));
            int comment = v.indexOf("*/");
            if (comment >= 0) {
                v = v.substring(comment + 2);
            }
            detail = "Key (" + columns + ")=(" + v.trim().replace("'", "") + ") already exists.";
        }
        return new PgError("23505", "duplicate key value violates unique constraint \"" + constraint + "\"", detail);
    }

    /** H2: {@code "CONSTRAINT_74_1: public.t FOREIGN KEY(p) REFERENCES public.t(id) (99)"}. */
    private static PgError foreignKey(String m, String start, String detail) {
        String body = quotedToEnd(m);
        int colon = body.indexOf(": ");
        int fk = body.indexOf(" FOREIGN KEY(");
        if (colon < 0 || fk < colon) {
            return new PgError("23503", start.substring(0, start.indexOf(" on table")) + " violates foreign key constraint",
                    null);
        }
        String table = unqualified(body.substring(colon + 2, fk).trim());
        String constraint = body.substring(0, colon);
        if (constraint.toUpperCase(Locale.ROOT).startsWith("CONSTRAINT_")) {
            constraint = table + "_fkey";
        }
        return new PgError("23503", start + table + "\" violates foreign key constraint \"" + constraint + "\"", detail);
    }

    private static String checkName(String m) {
        String body = quotedToEnd(m);
        int colon = body.indexOf(':');
        return colon < 0 ? body : body.substring(0, colon);
    }

    /** The i-th double-quoted part of an H2 message (H2 doubles quotes inside it). */
    private static String quoted(String m, int index) {
        int from = 0;
        for (int n = 0; ; n++) {
            int open = m.indexOf('"', from);
            if (open < 0) {
                return "";
            }
            StringBuilder b = new StringBuilder();
            int i = open + 1;
            while (i < m.length()) {
                char c = m.charAt(i);
                if (c == '"') {
                    if (i + 1 < m.length() && m.charAt(i + 1) == '"') {
                        b.append('"');
                        i += 2;
                        continue;
                    }
                    break;
                }
                b.append(c);
                i++;
            }
            if (n == index) {
                return b.toString();
            }
            from = i + 1;
        }
    }

    /** From the first double quote to the last one: H2's quoted detail, which may hold quotes of its own. */
    private static String quotedToEnd(String m) {
        int open = m.indexOf('"');
        int close = m.lastIndexOf('"');
        return open < 0 || close <= open ? m : m.substring(open + 1, close);
    }

    private static String unqualified(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static String firstWord(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }

    private static String kind(String m) {
        String lower = m.toLowerCase(Locale.ROOT);
        return lower.startsWith("index") ? "index" : lower.startsWith("sequence") ? "relation" : "constraint";
    }
}
