package dev.lattice.proxy.catalog;

import java.util.Locale;

/**
 * H2's column types as PostgreSQL's catalog names them: the type's OID and type modifier that
 * {@code pg_attribute} holds, and {@code format_type}'s text for the two.
 */
public final class CatalogTypes {

    /** H2 gives an unbounded VARCHAR (PostgreSQL's {@code text}) this length. */
    private static final long UNBOUNDED = 1_000_000_000L;

    private CatalogTypes() {
    }

    /** The OID of PostgreSQL's type for an H2 type ({@code data_type} of INFORMATION_SCHEMA.COLUMNS). */
    public static int oid(String dataType, Long length, String elementType) {
        if (dataType == null) {
            return 25;
        }
        String t = dataType.toLowerCase(Locale.ROOT);
        if (t.equals("array")) {
            return switch (oid(elementType, null, null)) {
                case 16 -> 1000;
                case 21 -> 1005;
                case 23 -> 1007;
                case 20 -> 1016;
                case 1043 -> 1015;
                case 700 -> 1021;
                case 701 -> 1022;
                case 1700 -> 1231;
                case 1082 -> 1182;
                case 1114 -> 1115;
                case 1184 -> 1185;
                case 2950 -> 2951;
                default -> 1009;
            };
        }
        return switch (t) {
            case "boolean" -> 16;
            case "tinyint", "smallint" -> 21;
            case "integer" -> 23;
            case "bigint" -> 20;
            case "numeric", "decimal", "decfloat" -> 1700;
            case "real" -> 700;
            case "double precision" -> 701;
            case "character" -> 1042;
            case "character varying", "varchar_ignorecase" -> length == null || length >= UNBOUNDED ? 25 : 1043;
            case "character large object" -> 25;
            case "binary", "binary varying", "binary large object" -> 17;
            case "date" -> 1082;
            case "time" -> 1083;
            case "time with time zone" -> 1266;
            case "timestamp" -> 1114;
            case "timestamp with time zone" -> 1184;
            case "interval" -> 1186;
            case "uuid" -> 2950;
            case "json" -> 114;
            default -> 25;
        };
    }

    /** The type modifier PostgreSQL stores: length + 4, (precision << 16 | scale) + 4, a time precision, or -1. */
    public static int typmod(int oid, Long length, Integer precision, Integer scale, Integer timePrecision) {
        return switch (oid) {
            case 1042, 1043 -> length == null ? -1 : (int) (length + 4);
            case 1700 -> precision == null || precision >= 100_000 ? -1 : ((precision << 16) | (scale == null ? 0
                    : scale)) + 4;
            case 1083, 1114, 1184, 1266 -> timePrecision == null || timePrecision == 6 ? -1 : timePrecision;
            default -> -1;
        };
    }

    /** PostgreSQL's {@code format_type(oid, typmod)}. */
    public static String format(Integer oid, Integer typmod) {
        if (oid == null) {
            return null;
        }
        int mod = typmod == null ? -1 : typmod;
        return switch (oid) {
            case 16 -> "boolean";
            case 17 -> "bytea";
            case 18 -> "\"char\"";
            case 19 -> "name";
            case 20 -> "bigint";
            case 21 -> "smallint";
            case 23 -> "integer";
            case 25 -> "text";
            case 26 -> "oid";
            case 114 -> "json";
            case 700 -> "real";
            case 701 -> "double precision";
            case 1042 -> mod > 4 ? "character(" + (mod - 4) + ")" : "character";
            case 1043 -> mod > 4 ? "character varying(" + (mod - 4) + ")" : "character varying";
            case 1082 -> "date";
            case 1083 -> time("time", mod, "without");
            case 1114 -> time("timestamp", mod, "without");
            case 1184 -> time("timestamp", mod, "with");
            case 1266 -> time("time", mod, "with");
            case 1186 -> "interval";
            case 1700 -> mod >= 4 ? "numeric(" + ((mod - 4) >> 16) + "," + ((mod - 4) & 0xffff) + ")" : "numeric";
            case 2950 -> "uuid";
            case 3802 -> "jsonb";
            case 1000 -> "boolean[]";
            case 1005 -> "smallint[]";
            case 1007 -> "integer[]";
            case 1009 -> "text[]";
            case 1015 -> "character varying[]";
            case 1016 -> "bigint[]";
            case 1021 -> "real[]";
            case 1022 -> "double precision[]";
            case 1115 -> "timestamp without time zone[]";
            case 1182 -> "date[]";
            case 1185 -> "timestamp with time zone[]";
            case 1231 -> "numeric[]";
            case 2951 -> "uuid[]";
            default -> "???";
        };
    }

    private static String time(String name, int mod, String zone) {
        return name + (mod >= 0 ? "(" + mod + ")" : "") + " " + zone + " time zone";
    }
}
