package dev.lattice.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/** The H2 session behind a JDBC connection to a database in this JVM (an embedded node). */
public final class EmbeddedSession {

    private EmbeddedSession() {
    }

    /**
     * The connection's H2 session when its database runs in this JVM, or null for any other
     * connection (an H2 server in another process, PostgreSQL).
     */
    public static SessionLocal of(Connection connection) throws SQLException {
        if (connection instanceof JdbcConnection h2) {
            return h2.getSession() instanceof SessionLocal local ? local : null;
        }
        return connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local ? local : null;
    }

    /**
     * Whether the connection's open transaction on an embedded node has changed rows (false for
     * any other connection): a query on a replica that did so called a function that writes.
     */
    public static boolean wrote(Connection connection) throws SQLException {
        SessionLocal session = of(connection);
        return session != null && session.hasPendingTransaction();
    }
}
