package dev.lattice.proxy.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The session's H2 prepared statements, per node and SQL text, kept for reuse (H2 parses once).
 * A statement is taken out while its result is being read, so two portals never share one.
 */
final class NodeStatements implements AutoCloseable {

    private static final int PER_NODE = 64;

    private final Map<Integer, Map<String, PreparedStatement>> byNode = new LinkedHashMap<>();

    PreparedStatement take(int node, Connection connection, String sql) throws SQLException {
        Map<String, PreparedStatement> cache = byNode.get(node);
        PreparedStatement ps = cache == null ? null : cache.remove(sql);
        if (ps != null && !ps.isClosed() && ps.getConnection() == connection) {
            return ps;
        }
        if (ps != null) {
            quietly(ps);
        }
        return connection.prepareStatement(sql);
    }

    /** Returns a statement for reuse; the least recently used one goes when the cache is full. */
    void give(int node, String sql, PreparedStatement ps) {
        Map<String, PreparedStatement> cache = byNode.computeIfAbsent(node, n -> new LinkedHashMap<>(16, 0.75f, true));
        PreparedStatement previous = cache.put(sql, ps);
        if (previous != null && previous != ps) {
            quietly(previous);
        }
        if (cache.size() > PER_NODE) {
            var eldest = cache.entrySet().iterator().next();
            cache.remove(eldest.getKey());
            quietly(eldest.getValue());
        }
    }

    static void quietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // its connection may be gone; nothing to release then
        }
    }

    @Override
    public void close() {
        for (Map<String, PreparedStatement> cache : byNode.values()) {
            cache.values().forEach(NodeStatements::quietly);
        }
        byNode.clear();
    }
}
