package dev.lattice.cluster;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What every H2 node of a cluster must hold besides the user's data and Lattice's own schema (the
 * proxy's {@code pg_catalog}, for one): applied outside replication to the primary when the cluster
 * starts and to each replica when its applier connects and after every rebuild from a snapshot,
 * since a rebuild drops everything on the replica.
 */
@FunctionalInterface
public interface NodeSetup {

    NodeSetup NONE = node -> { };

    void prepare(Connection node) throws SQLException;
}
