package dev.lattice.backend;

import java.sql.Connection;
import java.sql.SQLException;

/** The session's connection to the current primary, which the session opens and closes. */
public interface PrimaryLink {

    /** The connection, opened on first use (with the session's settings replayed on it). */
    Connection get() throws SQLException;

    /** The connection if it is open, else null. */
    Connection ifOpen();

    /** Forgets a connection that broke; the next {@link #get()} opens a new one. */
    void reset();
}
