package dev.lattice.replication;

import java.sql.SQLException;

/** How the applier installs captured row changes into one replica table: below SQL, or with SQL. */
interface TableApply {

    /** Installs one row change in the replica's open transaction. */
    void apply(RowChange change) throws SQLException;

    /**
     * Whether this change can be written committed in place ({@link #applyInPlace}): only an
     * UPDATE that keeps its row's key, in a table that allows it.
     */
    default boolean appliesInPlace(RowChange change) {
        return false;
    }

    /**
     * Writes the change committed at once, outside the open transaction: readers of the replica see
     * it as soon as it returns, with no commit. Returns false, having written nothing, when it
     * cannot (another transaction of the replica holds the row, or the captured key is not a number):
     * then it goes through {@link #apply}.
     */
    default boolean applyInPlace(RowChange change) throws SQLException {
        return false;
    }

    /** Whether the replica's table is still the one this was made for. */
    boolean current();

    /** Releases what it holds on the replica's connection. */
    void close();
}
