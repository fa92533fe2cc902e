package dev.lattice.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One H2 database of the cluster: its name, role and JDBC URL. Embedded databases are opened
 * directly; a remote H2 server is reached through a HikariCP pool.
 */
public final class Node {

    private final String name;
    private final NodeRole role;
    private final String url;
    private final Properties credentials;
    private final boolean embedded;
    private volatile HikariDataSource pool;

    public Node(String name, NodeRole role, String url, String user, String password) {
        this.name = name;
        this.role = role;
        this.url = url;
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        this.embedded = !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
    }

    public String name() {
        return name;
    }

    public NodeRole role() {
        return role;
    }

    /** A JDBC URL that reaches this node directly (inside this JVM for in-memory nodes). */
    public String url() {
        return url;
    }

    public boolean embedded() {
        return embedded;
    }

    /** A connection for a session: pooled for a remote node, direct for an embedded one. */
    public Connection connect() throws SQLException {
        if (embedded) {
            return connectDirect();
        }
        HikariDataSource ds = pool;
        if (ds == null) {
            synchronized (this) {
                if (pool == null) {
                    HikariConfig config = new HikariConfig();
                    config.setJdbcUrl(url);
                    config.setUsername(credentials.getProperty("user"));
                    config.setPassword(credentials.getProperty("password"));
                    config.setPoolName("lattice-" + name);
                    config.setInitializationFailTimeout(-1);
                    config.setConnectionTimeout(5_000);
                    pool = new HikariDataSource(config);
                }
                ds = pool;
            }
        }
        return ds.getConnection();
    }

    /** A connection of its own, outside any pool (appliers, snapshots). */
    public Connection connectDirect() throws SQLException {
        return org.h2.Driver.load().connect(url, credentials);
    }

    void close() {
        HikariDataSource ds = pool;
        if (ds != null) {
            ds.close();
        }
    }

    @Override
    public String toString() {
        return name + " (" + role + ", " + url + ")";
    }
}
