package dev.lattice.proxy.catalog;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.EmbeddedSession;
import dev.lattice.proxy.pgsql.PgJson;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.h2.engine.Database;

/**
 * The json columns of the user's tables on an H2 cluster the proxy runs, for {@link PgJson}: read
 * from the primary's INFORMATION_SCHEMA once per schema version ({@link SchemaVersion}), shared by the proxy's sessions, so a statement pays a counter comparison, not a query.
 */
public final class JsonColumns implements PgJson.Tables {

    private static final Map<Cluster, JsonColumns> BY_CLUSTER = Collections.synchronizedMap(new WeakHashMap<>());

    private record Read(Database db, long version, long fingerprint, Map<String, PgJson.Shape> tables) { }

    private final Cluster cluster;
    private volatile Read read;

    private JsonColumns(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The cluster's json columns (one reader per cluster). */
    public static JsonColumns of(Cluster cluster) {
        return BY_CLUSTER.computeIfAbsent(cluster, JsonColumns::new);
    }

    @Override
    public boolean none() throws SQLException {
        return current().tables().isEmpty();
    }

    @Override
    public PgJson.Shape shape(String schema, String table) throws SQLException {
        return current().tables().get(schema + '.' + table);
    }

    private Read current() throws SQLException {
        Read r = read;
        if (r != null && !r.db().isClosing() && r.db().getModificationMetaId() == r.version()) {
            return r;
        }
        if (r != null && !r.db().isClosing()) {
            long version = r.db().getModificationMetaId();
            long fingerprint = SchemaVersion.fingerprint(r.db());
            if (fingerprint == r.fingerprint()) { // a session or a SET moved the counter, no DDL
                r = new Read(r.db(), version, fingerprint, r.tables());
                read = r;
                return r;
            }
        }
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            Database db = EmbeddedSession.of(c).getDatabase();
            long version = db.getModificationMetaId(); // before the read: a DDL during it makes the next look read again
            long fingerprint = SchemaVersion.fingerprint(db);
            Map<String, List<String>> columns = new HashMap<>();
            Map<String, Set<String>> json = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT c.table_schema, c.table_name, c.column_name, c.data_type"
                    + " FROM information_schema.columns c WHERE (c.table_schema, c.table_name) IN"
                    + " (SELECT j.table_schema, j.table_name FROM information_schema.columns j WHERE UPPER(j.data_type) = 'JSON'"
                    + " AND UPPER(j.table_schema) NOT IN ('INFORMATION_SCHEMA', 'PG_CATALOG', 'LATTICE'))"
                    + " ORDER BY c.table_schema, c.table_name, c.ordinal_position")) {
                while (rs.next()) {
                    String key = rs.getString(1) + '.' + rs.getString(2);
                    columns.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString(3));
                    if ("JSON".equalsIgnoreCase(rs.getString(4))) {
                        json.computeIfAbsent(key, k -> new HashSet<>()).add(rs.getString(3));
                    }
                }
            }
            Map<String, PgJson.Shape> tables = new HashMap<>();
            columns.forEach((key, names) -> tables.put(key, new PgJson.Shape(List.copyOf(names), Set.copyOf(json.get(key)))));
            r = new Read(db, version, fingerprint, Map.copyOf(tables));
            read = r;
            return r;
        }
    }
}
