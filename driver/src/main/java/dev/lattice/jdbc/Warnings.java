package dev.lattice.jdbc;

import java.sql.SQLWarning;

/** Joins Lattice's own warnings with H2's without changing either chain. */
final class Warnings {

    private Warnings() {
    }

    /** A new chain: copies of first's warnings, then second's. */
    static SQLWarning chain(SQLWarning first, SQLWarning second) {
        if (first == null) {
            return second;
        }
        SQLWarning head = null;
        SQLWarning tail = null;
        for (SQLWarning w = first; w != null; w = w.getNextWarning()) {
            SQLWarning copy = new SQLWarning(w.getMessage(), w.getSQLState(), w.getErrorCode(), w.getCause());
            if (head == null) {
                head = copy;
            } else {
                tail.setNextWarning(copy);
            }
            tail = copy;
        }
        tail.setNextWarning(second);
        return head;
    }
}
