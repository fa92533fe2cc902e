package dev.lattice.routing;

import java.sql.Connection;
import java.sql.SQLException;

/** The JDBC work of one statement, run on whichever node the session routed it to. */
@FunctionalInterface
public interface NodeWork<T> {

    /**
     * @param node the H2 connection of the chosen node
     * @param nodeIndex 0 for the primary, i for the i-th replica
     */
    T run(Connection node, int nodeIndex) throws SQLException;
}
