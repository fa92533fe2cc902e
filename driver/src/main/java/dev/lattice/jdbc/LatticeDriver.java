package dev.lattice.jdbc;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/** The {@code java.sql.Driver} for {@code jdbc:lattice:} URLs, registered through ServiceLoader. */
public final class LatticeDriver implements Driver {

    static {
        try {
            DriverManager.registerDriver(new LatticeDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        LatticeUrl parsed = LatticeUrl.parse(url, info);
        Cluster cluster = ClusterRegistry.obtain(parsed.cluster());
        return new LatticeConnection(cluster, url, parsed.properties());
    }

    @Override
    public boolean acceptsURL(String url) {
        return LatticeUrl.accepts(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        Properties props = info == null ? new Properties() : info;
        LatticeProperty[] all = LatticeProperty.values();
        DriverPropertyInfo[] out = new DriverPropertyInfo[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].info(props);
        }
        return out;
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Lattice logs through SLF4J");
    }
}
