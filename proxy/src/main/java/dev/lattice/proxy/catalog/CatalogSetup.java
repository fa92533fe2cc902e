package dev.lattice.proxy.catalog;

import dev.lattice.cluster.ClusterConfig;
import dev.lattice.cluster.NodeSetup;
import dev.lattice.proxy.pgsql.H2PostgresMode;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which clusters get the proxy's {@code pg_catalog}: H2 clusters the proxy runs in this JVM (in
 * memory or in files) in PostgreSQL mode, on every node, as the cluster's {@link NodeSetup}. The
 * aliases call the proxy's classes, which an H2 server elsewhere does not have, so nodes the proxy
 * does not run are left as they are.
 */
public final class CatalogSetup {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSetup.class);

    private CatalogSetup() {
    }

    /** Whether clients of this cluster are answered from the catalog. */
    public static boolean applies(ClusterConfig config) {
        return (config.kind() == ClusterConfig.Kind.MEM || config.kind() == ClusterConfig.Kind.FILE)
                && H2PostgresMode.postgresMode(config.primaryUrl());
    }

    /** The cluster's configuration with the catalog installed on every node, when it applies. */
    public static ClusterConfig on(ClusterConfig config) {
        return applies(config) ? config.withNodeSetup(CatalogSetup::install) : config;
    }

    /** A node without the catalog still replicates and serves the user's data: a failure is logged, not thrown. */
    static void install(Connection node) {
        try {
            PgCatalog.install(node);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not install the proxy's pg_catalog on a node; catalog queries it serves will fail", e);
        }
    }
}
