package dev.lattice.locking;

import dev.lattice.replication.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The primary-key columns of the primary's tables, which decide whether a statement's key
 * predicates name single rows; and key values brought to one form per column type, so that
 * {@code id = 5}, {@code id = '5'} and a bound Integer 5 lock the same row. Cached per schema version.
 */
public final class PrimaryKeys {

    /** A primary-key column: its name and H2 data type. */
    public record Column(String name, String type) {
    }

    private static final String QUERY = "SELECT K.COLUMN_NAME, C.DATA_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS T "
            + "JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE K ON K.CONSTRAINT_SCHEMA = T.CONSTRAINT_SCHEMA "
            + "AND K.CONSTRAINT_NAME = T.CONSTRAINT_NAME JOIN INFORMATION_SCHEMA.COLUMNS C ON C.TABLE_SCHEMA = "
            + "K.TABLE_SCHEMA AND C.TABLE_NAME = K.TABLE_NAME AND C.COLUMN_NAME = K.COLUMN_NAME "
            + "WHERE UPPER(T.TABLE_SCHEMA) = ? AND UPPER(T.TABLE_NAME) = ? AND T.CONSTRAINT_TYPE = 'PRIMARY KEY' ORDER BY K.ORDINAL_POSITION";

    private final Map<TableId, List<Column>> cache = new ConcurrentHashMap<>();
    private volatile long cachedVersion = -1;
    private volatile List<TableId> allTables;

    /** The key columns (empty when the table has no primary key or does not exist). */
    public List<Column> of(Connection primary, TableId table, long schemaVersion) throws SQLException {
        if (schemaVersion != cachedVersion) {
            cache.clear();
            allTables = null;
            cachedVersion = schemaVersion;
        }
        List<Column> columns = cache.get(table);
        if (columns == null) {
            columns = new ArrayList<>();
            try (PreparedStatement ps = primary.prepareStatement(QUERY)) {
                ps.setString(1, table.schema());
                ps.setString(2, table.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add(new Column(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            columns = List.copyOf(columns);
            cache.put(table, columns);
        }
        return columns;
    }

    /** Every user table: what a statement Lattice could not read may touch. */
    public List<TableId> allTables(Connection primary, long schemaVersion) throws SQLException {
        List<TableId> tables = schemaVersion == cachedVersion ? allTables : null;
        if (tables == null) {
            tables = new ArrayList<>();
            try (Statement s = primary.createStatement();
                 ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                         + "WHERE TABLE_TYPE = 'BASE TABLE' AND UPPER(TABLE_SCHEMA) NOT IN ('INFORMATION_SCHEMA', 'LATTICE', 'PG_CATALOG')")) {
                while (rs.next()) {
                    tables.add(lockId(rs.getString(1), rs.getString(2)));
                }
            }
            tables = List.copyOf(tables);
            if (schemaVersion == cachedVersion) {
                allTables = tables;
            }
        }
        return tables;
    }

    /** A table's identity in locks: its names upper-cased (see {@link StatementLocks}). */
    static TableId lockId(String schema, String name) {
        return new TableId(schema == null ? null : schema.toUpperCase(Locale.ROOT), name.toUpperCase(Locale.ROOT));
    }

    /** The value in the one form locks compare, for a key column of this type; null if it cannot be read as one. */
    static Object canonical(Object value, String type) {
        if (value == null) {
            return null;
        }
        String t = type.toUpperCase(Locale.ROOT);
        try {
            if (t.equals("INTEGER") || t.equals("BIGINT") || t.equals("SMALLINT") || t.equals("TINYINT")) {
                if (value instanceof Number n && !(value instanceof BigDecimal) && !(value instanceof Double)
                        && !(value instanceof Float)) {
                    return n.longValue();
                }
                return new BigDecimal(value.toString().trim()).longValueExact();
            }
            if (t.equals("NUMERIC") || t.equals("DECIMAL") || t.equals("DECFLOAT")) {
                BigDecimal d = value instanceof BigDecimal b ? b
                        : value instanceof BigInteger i ? new BigDecimal(i) : new BigDecimal(value.toString().trim());
                return d.stripTrailingZeros();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        return value.toString();
    }
}
