package dev.lattice.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One database of the cluster: its name, role and JDBC URL. Embedded H2 databases are opened
 * directly; a remote H2 server or a PostgreSQL node is reached through a HikariCP pool.
 */
public final class Node {

    private final String name;
    private final NodeRole role;
    private final String url;
    private final Properties credentials;
    private final boolean embedded;
    private final boolean h2;
    private final int poolSize;
    private volatile HikariDataSource pool;
    /** The connection that keeps an embedded database in files open while the cluster runs; null otherwise. */
    private volatile Connection holder;

    public Node(String name, NodeRole role, String url, String user, String password) {
        this(name, role, url, user, password, 10);
    }

    /** @param poolSize the most connections the pool of a remote node holds (one per session using it) */
    public Node(String name, NodeRole role, String url, String user, String password, int poolSize) {
        this.name = name;
        this.role = role;
        this.url = url;
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        this.h2 = url.startsWith("jdbc:h2:");
        if (!h2) {
            // Values in PostgreSQL's own text form: the proxy relays them to its clients as they are.
            credentials.setProperty("binaryTransfer", "false");
        }
        this.embedded = h2 && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
        this.poolSize = poolSize;
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
                    if (!h2) {
                        config.addDataSourceProperty("binaryTransfer", "false");
                    }
                    config.setInitializationFailTimeout(-1);
                    config.setConnectionTimeout(5_000);
                    config.setMaximumPoolSize(poolSize);
                    if (h2) {
                        config.setExceptionOverrideClassName(H2ConnectionErrors.class.getName());
                    }
                    pool = new HikariDataSource(config);
                }
                ds = pool;
            }
        }
        return ds.getConnection();
    }

    /** A connection of its own, outside any pool (appliers, snapshots, pollers). */
    public Connection connectDirect() throws SQLException {
        if (h2) {
            return org.h2.Driver.load().connect(url, credentials);
        }
        return java.sql.DriverManager.getConnection(url, credentials);
    }

    /**
     * A connection of its own to a PostgreSQL node that gives up after this many seconds on
     * connecting, logging in and every answer: a node that stops answering (hung, frozen, cut off)
     * then fails the call instead of holding it for ever. Embedded and H2 nodes as {@link #connectDirect()}.
     */
    public Connection connectDirect(int timeoutSeconds) throws SQLException {
        if (h2) {
            return connectDirect();
        }
        Properties bounded = new Properties();
        bounded.putAll(credentials);
        String seconds = Integer.toString(timeoutSeconds);
        bounded.setProperty("connectTimeout", seconds);
        bounded.setProperty("loginTimeout", seconds);
        bounded.setProperty("socketTimeout", seconds);
        return java.sql.DriverManager.getConnection(url, bounded);
    }

    /**
     * Whether a remote H2 node's server refuses TCP connections now, judged by one plain socket
     * (at most {@code timeoutMillis}). H2's own client retries a refused connection 16 times over
     * about 1.2 s before it gives up, too long to tell a writer that its primary is gone. False for
     * embedded and PostgreSQL nodes and for URLs it cannot read.
     */
    public boolean refusesConnections(int timeoutMillis) {
        if (embedded || !h2) {
            return false;
        }
        int start = url.indexOf("//");
        if (start < 0) {
            return false;
        }
        int end = url.indexOf('/', start + 2);
        String hostPort = url.substring(start + 2, end < 0 ? url.length() : end).split(",")[0];
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        try (java.net.Socket socket = new java.net.Socket()) {
            int port = colon < 0 ? 9092 : Integer.parseInt(hostPort.substring(colon + 1));
            socket.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
            return false;
        } catch (java.net.ConnectException | java.net.SocketTimeoutException e) {
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false; // H2's own connection attempt will tell
        }
    }

    /** The URL without secrets (a password given as a URL parameter), for SHOW REPLICAS and messages. */
    public String safeUrl() {
        int at = url.toLowerCase(java.util.Locale.ROOT).indexOf("password=");
        if (at < 0) {
            return url;
        }
        int end = url.indexOf('&', at);
        return url.substring(0, at) + "password=***" + (end < 0 ? "" : url.substring(end));
    }

    /** Replaces every pooled connection: the node restarted, so all of them are broken. */
    public void evictPooled() {
        HikariDataSource ds = pool;
        if (ds != null) {
            ds.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /**
     * Keeps an embedded H2 database in files open from now until {@link #close}. H2 closes such a
     * database with its last connection, so each short-lived connection of a cluster's start (the
     * durability check, the setup, the epochs, an applier's reconnect) opened it again, replaying its
     * stored schema each time (40 to 250 ms here), and a session could meet it closing. In-memory
     * and remote databases are left as they are.
     */
    public void holdOpen() throws SQLException {
        if (embedded && !url.startsWith("jdbc:h2:mem:") && holder == null) {
            holder = connectDirect();
        }
    }

    public void close() {
        HikariDataSource ds = pool;
        if (ds != null) {
            ds.close();
        }
        Connection held = holder;
        holder = null;
        if (held != null) {
            try {
                held.close();
            } catch (SQLException e) {
                // the database was closed under it: nothing left to release
            }
        }
    }

    @Override
    public String toString() {
        return name + " (" + role + ", " + url + ")";
    }
}
