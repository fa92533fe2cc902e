package dev.lattice.bench;

import java.sql.SQLException;

/** One client thread's work for one workload: its statements, prepared once on its own connection. */
public interface Client extends AutoCloseable {

    /** One operation (a statement, or one whole transaction); what the latency figures time. */
    void run() throws SQLException;

    /** Closes the statements and the connection. */
    @Override
    void close() throws SQLException;
}
