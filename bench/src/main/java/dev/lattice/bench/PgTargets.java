package dev.lattice.bench;

import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations of {@code --postgres}, by name, all over one PostgreSQL primary and its two
 * standbys: pgjdbc straight to the primary first (the bar), then Lattice at several levels.
 */
final class PgTargets {

    /** Name of the target every ratio of {@code --postgres} divides by. */
    static final String BASELINE = "pg-direct";

    private static final Map<String, String> LEVELS = new LinkedHashMap<>();

    static {
        LEVELS.put("lattice-pg-causal", "CAUSAL");
        LEVELS.put("lattice-pg-eventual", "EVENTUAL");
        LEVELS.put("lattice-pg-strong", "STRONG");
    }

    private PgTargets() {
    }

    /** Every name, in table order. */
    static List<String> names() {
        List<String> out = new ArrayList<>(List.of(BASELINE));
        out.addAll(LEVELS.keySet());
        return List.copyOf(out);
    }

    /** The named targets in table order, pg-direct always included and first. */
    static List<Target> create(List<String> names, PgLocalCluster cluster) {
        List<Target> out = new ArrayList<>(List.of(new Direct(cluster)));
        for (Map.Entry<String, String> e : LEVELS.entrySet()) {
            if (names.contains(e.getKey())) {
                out.add(new Lattice(e.getKey(), cluster, e.getValue(), ""));
            }
        }
        return out;
    }

    /** pgjdbc straight to the primary: autocommit, the driver's defaults (server-side prepare from the 5th use). */
    static final class Direct implements Target {
        private final PgLocalCluster cluster;

        Direct(PgLocalCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public String name() {
            return BASELINE;
        }

        @Override
        public String description() {
            return cluster.primaryUrl();
        }

        @Override
        public Connection open() throws SQLException {
            return cluster.open(0);
        }

        @Override
        public Settled settle(long timeoutMillis) throws SQLException {
            return cluster.settle(Math.min(timeoutMillis, 10_000));
        }
    }

    /**
     * {@code jdbc:lattice:nodes} over the primary and both standbys, sessions starting at one level.
     * Every such target shares one Lattice cluster (the JVM keeps one per set of nodes).
     */
    static final class Lattice implements Target {
        private final String name;
        private final PgLocalCluster cluster;
        private final String url;

        /**
         * @param extra further URL parameters ({@code &key=value...}), or ""
         */
        Lattice(String name, PgLocalCluster cluster, String consistency, String extra) {
            this.name = name;
            this.cluster = cluster;
            this.url = cluster.latticeUrl("&consistency=" + PgLocalCluster.encode(consistency) + extra);
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
            return DriverManager.getConnection(url);
        }

        @Override
        public Settled settle(long timeoutMillis) throws SQLException {
            return cluster.settle(Math.min(timeoutMillis, 10_000));
        }

        /** Stops the Lattice cluster (its pollers and node connections); the next connection would start it again. */
        @Override
        public void close() {
            try (Connection c = open()) {
                String key = c.unwrap(LatticeConnection.class).cluster().config().key();
                c.close();
                ClusterRegistry.shutdown(key);
            } catch (SQLException ignored) {
                // the servers are gone already
            }
        }
    }
}
