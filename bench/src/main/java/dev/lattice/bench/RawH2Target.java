package dev.lattice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The bar: an embedded in-memory H2 database, one plain H2 connection per client thread. */
public final class RawH2Target implements Target {

    private final String name;
    private final String url;

    public RawH2Target(String name, String database) {
        this.name = name;
        this.url = "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return url;
    }

    @Override
    public Connection open() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    @Override
    public void close() {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // gone already
        }
    }
}
