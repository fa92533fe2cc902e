package dev.lattice.proxy.session;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What running one statement gave: rows still to be sent (with the H2 statement that owns them,
 * returned to the cache when they are read), or a CommandComplete tag.
 */
final class Result implements AutoCloseable {

    final ResultSet rows;
    final Columns columns;
    final String tag;
    private final PreparedStatement owner;
    private final int node;
    private final String ownerSql;
    private final NodeStatements cache;
    long sent;
    boolean exhausted;

    private Result(ResultSet rows, Columns columns, String tag, PreparedStatement owner, int node, String ownerSql,
                   NodeStatements cache) {
        this.rows = rows;
        this.columns = columns;
        this.tag = tag;
        this.owner = owner;
        this.node = node;
        this.ownerSql = ownerSql;
        this.cache = cache;
    }

    static Result rows(ResultSet rs, PreparedStatement owner, int node, String ownerSql, NodeStatements cache)
            throws SQLException {
        return new Result(rs, Columns.of(rs), null, owner, node, ownerSql, cache);
    }

    static Result done(String tag) {
        return new Result(null, null, tag, null, -1, null, null);
    }

    boolean hasRows() {
        return rows != null;
    }

    @Override
    public void close() {
        if (rows != null) {
            try {
                rows.close();
            } catch (SQLException ignored) {
                // the node connection may be gone
            }
        }
        if (owner != null) {
            if (cache != null) {
                cache.give(node, ownerSql, owner);
            } else {
                NodeStatements.quietly(owner);
            }
        }
    }
}
