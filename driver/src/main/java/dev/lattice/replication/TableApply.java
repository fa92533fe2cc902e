package dev.lattice.replication;

import java.sql.SQLException;

/** How the applier installs captured row changes into one replica table: below SQL, or with SQL. */
interface TableApply {

    /** Installs one row change in the replica's open transaction. */
    void apply(RowChange change) throws SQLException;

    /** Whether the replica's table is still the one this was made for. */
    boolean current();

    /** Releases what it holds on the replica's connection. */
    void close();
}
