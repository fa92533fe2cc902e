package dev.lattice.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.SplittableRandom;

/** What the client threads do, over the tables of {@link BenchSchema}. */
public interface Workload {

    /** Short name for tables and CSV. */
    String name();

    /** Whether it writes: replicas are then settled after each window. */
    boolean writes();

    /** A client bound to this connection; it owns the connection from now on. */
    Client client(Connection connection, SplittableRandom random, int rows) throws SQLException;

    /** Outside measured time, after a window: make the next window start from the same state. */
    default void reset(Connection connection) throws SQLException {
    }
}
