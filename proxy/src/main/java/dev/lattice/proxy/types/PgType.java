package dev.lattice.proxy.types;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/** The PostgreSQL types the proxy speaks, by OID and length, and how an H2 column maps onto one. */
public enum PgType {
    BOOL(16, 1),
    BYTEA(17, -1),
    INT8(20, 8),
    INT2(21, 2),
    INT4(23, 4),
    TEXT(25, -1),
    JSON(114, -1),
    FLOAT4(700, 4),
    FLOAT8(701, 8),
    UNKNOWN(705, -2),
    BPCHAR(1042, -1),
    VARCHAR(1043, -1),
    DATE(1082, 4),
    TIME(1083, 8),
    TIMESTAMP(1114, 8),
    TIMESTAMPTZ(1184, 8),
    TIMETZ(1266, 12),
    NUMERIC(1700, -1),
    UUID(2950, 16);

    private final int oid;
    private final int size;

    PgType(int oid, int size) {
        this.oid = oid;
        this.size = size;
    }

    public int oid() {
        return oid;
    }

    /** typlen: the fixed size in bytes, or -1 for a variable-length type. */
    public int size() {
        return size;
    }

    /** Whether this proxy encodes the type in binary format; others always go as text. */
    public boolean hasBinary() {
        return this != UNKNOWN && this != TIMETZ;
    }

    /** The type of this OID, or null for one the proxy does not know (treated as text). */
    public static PgType byOid(int oid) {
        for (PgType t : ALL) {
            if (t.oid == oid) {
                return t;
            }
        }
        return null;
    }

    /** values() copies the array at every call; a Bind looks a type up for each of its parameters. */
    private static final PgType[] ALL = values();

    /** The PostgreSQL type of column {@code i} (1-based) of an H2 result. */
    public static PgType of(ResultSetMetaData meta, int i) throws SQLException {
        return ofJdbc(meta.getColumnType(i), meta.getColumnTypeName(i));
    }

    /** The PostgreSQL type of a JDBC type, with H2's type name to tell UUID and JSON apart. */
    public static PgType ofJdbc(int jdbcType, String typeName) {
        // H2 reports UUID as BINARY and JSON as VARBINARY/OTHER: its type name tells them apart.
        if ("UUID".equalsIgnoreCase(typeName)) {
            return UUID;
        }
        if ("JSON".equalsIgnoreCase(typeName)) {
            return JSON;
        }
        switch (jdbcType) {
            case Types.BOOLEAN, Types.BIT:
                return BOOL;
            case Types.TINYINT, Types.SMALLINT:
                return INT2;
            case Types.INTEGER:
                return INT4;
            case Types.BIGINT:
                return INT8;
            case Types.REAL:
                return FLOAT4;
            case Types.FLOAT, Types.DOUBLE:
                return FLOAT8;
            case Types.NUMERIC, Types.DECIMAL:
                return NUMERIC;
            case Types.CHAR, Types.NCHAR:
                return BPCHAR;
            case Types.VARCHAR, Types.NVARCHAR:
                return VARCHAR;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB:
                return BYTEA;
            case Types.DATE:
                return DATE;
            case Types.TIME:
                return TIME;
            case Types.TIME_WITH_TIMEZONE:
                return TIMETZ;
            case Types.TIMESTAMP:
                return TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return TIMESTAMPTZ;
            default:
                break;
        }
        return TEXT;
    }
}
