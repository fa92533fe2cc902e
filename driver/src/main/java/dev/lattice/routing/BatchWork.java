package dev.lattice.routing;

import java.sql.Connection;
import java.sql.SQLException;

/** One element of a batch, run on the node the batch was routed to. */
@FunctionalInterface
public interface BatchWork {

    /** Runs element i; returns false when it failed in a way H2 has already undone. */
    boolean run(Connection node, int nodeIndex, int i) throws SQLException;
}
