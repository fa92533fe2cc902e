package dev.lattice.proxy.catalog;

import dev.lattice.proxy.pgsql.PgTokens;
import dev.lattice.proxy.pgsql.PgTokens.Token;
import dev.lattice.proxy.pgsql.PgTokens.Type;
import java.util.List;

/**
 * PostgreSQL's {@code information_schema._pg_expandarray(a)} (pgjdbc's getPrimaryKeys and
 * getIndexInfo call it in a select list, where it yields one row per element, with fields
 * {@code x} and {@code n}) as H2 can run it: the query joins a range of positions {@code lattice_k(n)}
 * up to the array's length before its WHERE; {@code (…).n} is the position, the call itself the
 * element, and {@code (row.column).x} that column.
 */
final class ExpandArray {

    private ExpandArray() {
    }

    static String rewrite(String sql) {
        List<Token> t = PgTokens.lex(sql);
        int call = find(t);
        if (call < 0) {
            return sql;
        }
        int open = call + 3;
        int close = matching(t, open);
        if (close < 0) {
            return sql;
        }
        String argument = sql.substring(t.get(open + 1).start(), t.get(close - 1).end());
        int depth = depth(t, call);
        int from = close + 1;
        if (symbol(t, call - 1, '(') && symbol(t, close + 1, ')')) {
            depth--; // (call).n: the select list is one level out
            from = close + 2;
        }
        int where = -1;
        int level = depth;
        for (int i = from; i < t.size(); i++) {
            if (t.get(i).isSymbol('(')) {
                level++;
            } else if (t.get(i).isSymbol(')')) {
                if (--level < depth) {
                    where = i;
                    break;
                }
            } else if (level == depth && (t.get(i).is("WHERE") || t.get(i).is("GROUP") || t.get(i).is("ORDER"))) {
                where = i;
                break;
            }
        }
        String join = " JOIN system_range(1, 32) lattice_k(n) ON lattice_k.n <= CARDINALITY(" + argument + ") ";
        StringBuilder out = new StringBuilder(sql.length() + 128);
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (i == where) {
                out.append(sql, copied, k.start()).append(join);
                copied = k.start();
            }
            if (k.isSymbol('(') && i + 1 < t.size() && isCall(t, i + 1)) {
                int inner = matching(t, i + 4);
                if (inner > 0 && symbol(t, inner + 1, ')') && symbol(t, inner + 2, '.') && word(t, inner + 3, "N")) {
                    out.append(sql, copied, k.start()).append("lattice_k.n");
                    copied = t.get(inner + 3).end();
                    i = inner + 3;
                    continue;
                }
            }
            if (isCall(t, i) && matching(t, i + 3) > 0) {
                int inner = matching(t, i + 3);
                out.append(sql, copied, k.start()).append("pg_catalog.lattice_element(").append(argument)
                        .append(", lattice_k.n, 1)");
                copied = t.get(inner).end();
                i = inner;
                continue;
            }
            if (k.isSymbol('(') && i + 6 < t.size() && t.get(i + 1).type() == Type.WORD && symbol(t, i + 2, '.')
                    && t.get(i + 3).type() == Type.WORD && symbol(t, i + 4, ')') && symbol(t, i + 5, '.')
                    && word(t, i + 6, "X")) {
                out.append(sql, copied, k.start()).append(sql, t.get(i + 1).start(), t.get(i + 3).end());
                copied = t.get(i + 6).end();
                i += 6;
            }
        }
        if (where < 0) {
            out.append(sql, copied, sql.length()).append(join);
            return out.toString();
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    private static int find(List<Token> t) {
        for (int i = 0; i < t.size(); i++) {
            if (isCall(t, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isCall(List<Token> t, int i) {
        return word(t, i, "INFORMATION_SCHEMA") && symbol(t, i + 1, '.') && word(t, i + 2, "_PG_EXPANDARRAY")
                && symbol(t, i + 3, '(');
    }

    private static int depth(List<Token> t, int upTo) {
        int depth = 0;
        for (int i = 0; i < upTo; i++) {
            if (t.get(i).isSymbol('(')) {
                depth++;
            } else if (t.get(i).isSymbol(')')) {
                depth--;
            }
        }
        return depth;
    }

    private static int matching(List<Token> t, int open) {
        return PgTokens.closing(t, open);
    }

    private static boolean symbol(List<Token> t, int i, char c) {
        return i >= 0 && i < t.size() && t.get(i).isSymbol(c);
    }

    private static boolean word(List<Token> t, int i, String w) {
        return i >= 0 && i < t.size() && t.get(i).is(w);
    }
}
