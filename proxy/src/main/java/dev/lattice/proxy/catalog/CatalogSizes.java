package dev.lattice.proxy.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL's size functions ({@code pg_table_size}, {@code pg_relation_size},
 * {@code pg_total_relation_size}, {@code pg_indexes_size}, {@code pg_database_size},
 * {@code pg_size_pretty}) over H2, for psql's {@code \dt+}, {@code \di+}, {@code \l+}: a table's size
 * is what H2's {@code DISK_SPACE_USED} says (0 on an in-memory node, which has no disk); H2 tells
 * no size of an index, a sequence or a view, so theirs is 0.
 */
public final class CatalogSizes {

    private static final String[] UNITS = {"bytes", "kB", "MB", "GB", "TB", "PB"};

    private CatalogSizes() {
    }

    /** {@code pg_table_size(oid)}: a table's bytes as H2 counts them, 0 for other relations, null for no relation. */
    public static Long tableSize(Connection c, Integer oid) throws SQLException {
        String relation = CatalogLookups.find(c, "SELECT oid, relkind || pg_catalog.lattice_quote_ident(nspname) || '.'"
                + " || '\"' || REPLACE(relname, '\"', '\"\"') || '\"' FROM pg_catalog.lattice_relations", oid);
        if (relation == null) {
            return null;
        }
        if (relation.charAt(0) != 'r') {
            return 0L;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT DISK_SPACE_USED(?)")) {
            ps.setString(1, relation.substring(1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    public static Long relationSize(Connection c, Integer oid) throws SQLException {
        return tableSize(c, oid);
    }

    /** {@code pg_relation_size(oid, fork)}: the main fork is the relation; H2 has no other. */
    public static Long relationSize(Connection c, Integer oid, String fork) throws SQLException {
        Long size = tableSize(c, oid);
        return size == null || fork == null || fork.equals("main") ? size : Long.valueOf(0L);
    }

    public static Long totalRelationSize(Connection c, Integer oid) throws SQLException {
        return tableSize(c, oid);
    }

    public static Long indexesSize(Connection c, Integer oid) throws SQLException {
        return tableSize(c, oid) == null ? null : 0L;
    }

    /** {@code pg_database_size(name or oid)}: the sum of the user's tables. */
    public static Long databaseSize(Connection c, String database) throws SQLException {
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT oid FROM pg_catalog.lattice_relations WHERE relkind = 'r'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Long size = tableSize(c, rs.getInt(1));
                total += size == null ? 0 : size;
            }
        }
        return total;
    }

    /** PostgreSQL 15's {@code pg_size_pretty(bigint)}: bytes below 10 kB, then each unit half-rounded below 20 of the next. */
    public static String sizePretty(Long bytes) {
        if (bytes == null) {
            return null;
        }
        long size = bytes;
        for (int unit = 0; unit < UNITS.length; unit++) {
            boolean round = unit > 0;
            long limit = unit == 0 ? 10 * 1024 : 20 * 1024 - 1;
            if (unit == UNITS.length - 1 || Math.abs(size) < limit) {
                if (round) {
                    size = (size + (size < 0 ? -1 : 1)) / 2;
                }
                return size + " " + UNITS[unit];
            }
            boolean nextRound = true;
            int bits = 10 - (nextRound ? 1 : 0) + (round ? 1 : 0);
            size /= 1L << bits;
        }
        throw new AssertionError("unreachable");
    }
}
