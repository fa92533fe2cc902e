package dev.lattice.proxy.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The session's H2 prepared statements, per node and SQL text, kept for reuse (H2 parses once).
 * A statement is marked taken while its result is being read, so two portals never share one.
 */
final class NodeStatements implements AutoCloseable {

    private static final int PER_NODE = 64;

    /** A cached statement, and whether a portal has it now. */
    private static final class Kept {
        final PreparedStatement ps;
        boolean taken;

        Kept(PreparedStatement ps) {
            this.ps = ps;
        }
    }

    /** By node index (0 the primary): SQL text to statement, least recently used first. */
    @SuppressWarnings("unchecked")
    private Map<String, Kept>[] byNode = new Map[0];

    PreparedStatement take(int node, Connection connection, String sql) throws SQLException {
        Map<String, Kept> cache = node < byNode.length ? byNode[node] : null;
        Kept kept = cache == null ? null : cache.get(sql);
        if (kept != null && !kept.taken) {
            if (!kept.ps.isClosed() && kept.ps.getConnection() == connection) {
                kept.taken = true;
                return kept.ps;
            }
            cache.remove(sql);
            quietly(kept.ps);
        }
        return connection.prepareStatement(sql);
    }

    /** Returns a statement for reuse; the least recently used free one goes when the cache is full. */
    void give(int node, String sql, PreparedStatement ps) {
        Map<String, Kept> cache = cache(node);
        Kept kept = cache.get(sql);
        if (kept != null && kept.ps == ps) {
            kept.taken = false;
            return;
        }
        if (kept != null && kept.taken) {
            quietly(ps); // another portal has the cached one: this one is not kept
            return;
        }
        cache.put(sql, new Kept(ps));
        if (kept != null) {
            quietly(kept.ps);
        }
        if (cache.size() > PER_NODE) {
            for (Iterator<Kept> it = cache.values().iterator(); it.hasNext(); ) {
                Kept eldest = it.next();
                if (!eldest.taken) {
                    it.remove();
                    quietly(eldest.ps);
                    break;
                }
            }
        }
    }

    private Map<String, Kept> cache(int node) {
        if (node >= byNode.length) {
            byNode = Arrays.copyOf(byNode, node + 1);
        }
        Map<String, Kept> cache = byNode[node];
        if (cache == null) {
            cache = new LinkedHashMap<>(16, 0.75f, true);
            byNode[node] = cache;
        }
        return cache;
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
        for (Map<String, Kept> cache : byNode) {
            if (cache != null) {
                cache.values().forEach(k -> quietly(k.ps));
            }
        }
        byNode = Arrays.copyOf(byNode, 0);
    }
}
