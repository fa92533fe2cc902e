package dev.lattice.proxy.config;

import dev.lattice.jdbc.LatticeConnection;
import dev.lattice.routing.SessionOptions;
import java.sql.SQLException;
import java.util.Properties;

/** A client session's starting options from Lattice connection properties, checked exactly as the JDBC driver checks them. */
public final class SessionOptionsFactory {

    private SessionOptionsFactory() {
    }

    public static SessionOptions of(Properties properties) throws SQLException {
        return LatticeConnection.options(properties);
    }
}
