package dev.lattice.replication;

import java.sql.SQLException;
import java.util.List;

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
     * Writes the changes (each one {@link #appliesInPlace} allows), in their order, committed at once,
     * outside the open transaction: readers of the replica see all of them as soon as it returns,
     * with no commit, and none before. Returns false, having written nothing, when it cannot
     * (another transaction of the replica holds one of the rows, or a captured key is not a
     * number): then they go through {@link #apply}.
     */
    default boolean applyInPlace(List<RowChange> changes) throws SQLException {
        return false;
    }

    /** Whether the replica's table is still the one this was made for. */
    boolean current();

    /** Releases what it holds on the replica's connection. */
    void close();
}
