package dev.lattice.replication;

import java.sql.SQLException;

/**
 * A logged change does not fit the replica's rows (an UPDATE by primary key finds no row): the
 * replica no longer holds what the primary held, so it is rebuilt from a snapshot.
 */
final class ReplicaDiverged extends SQLException {

    /** Its SQLState, which is all that is left of it when a replica's server threw it. */
    static final String STATE = "XX001";

    ReplicaDiverged(String message) {
        super("Replica diverged: " + message, STATE);
    }
}
