package dev.lattice.proxy.catalog;

import dev.lattice.cluster.EmbeddedSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.engine.Database;

/**
 * The catalog functions' lookups by OID (an index's or a constraint's definition, a relation's
 * name): one read of the catalog's view per node and schema version, not one per row of a query
 * that calls them (psql's {@code \d} of a table referenced by many others calls them per row).
 * A node's schema version is H2's own counter, which moves with every DDL, so no answer outlives
 * the schema it was read from.
 */
final class CatalogLookups {

    private record Read(long version, Map<String, String> values) { }

    private static final Map<Database, Map<String, Read>> READS = Collections.synchronizedMap(new WeakHashMap<>());

    private CatalogLookups() {
    }

    /** The value for this key (as text) that {@code query} (key, value) gives on the node of this connection. */
    static String find(Connection c, String query, Object key) throws SQLException {
        if (key == null) {
            return null;
        }
        Database db = EmbeddedSession.of(c).getDatabase();
        long version = db.getModificationMetaId();
        Map<String, Read> reads = READS.computeIfAbsent(db, d -> new ConcurrentHashMap<>());
        Read read = reads.get(query);
        if (read == null || read.version() != version) {
            Map<String, String> values = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getString(2));
                }
            }
            read = new Read(version, values);
            reads.put(query, read);
        }
        return read.values().get(key.toString());
    }
}
