package dev.lattice.proxy.catalog;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.zip.CRC32;
import org.h2.tools.SimpleResultSet;

/**
 * The functions of PostgreSQL's catalog that views cannot express, called by H2 through the
 * aliases {@link PgCatalog} installs ({@code pg_catalog.lattice_<name>}). Lookups read the
 * catalog's own views on the node that runs the query, so they agree with what it lists.
 */
public final class CatalogFunctions {

    /** The role every object belongs to (PostgreSQL's bootstrap superuser) and the owner of schema public. */
    static final int OWNER = 10;
    static final int DATABASE_OWNER = 6171;

    /** The catalog's own relations, for {@code 'pg_class'::regclass} (pg_description's classoid): PostgreSQL's OIDs. */
    private static final java.util.Map<String, Integer> SYSTEM_RELATIONS = java.util.Map.of("pg_class", 1259,
            "pg_namespace", 2615, "pg_constraint", 2606, "pg_type", 1247, "pg_attribute", 1249, "pg_proc", 1255,
            "pg_database", 1262, "pg_index", 2610, "pg_description", 2609, "pg_trigger", 2620);

    private CatalogFunctions() {
    }

    /**
     * A relation's OID: the same on every node (replicas are rebuilt from scripts, so H2's object
     * ids differ between nodes, and one psql command may read from several of them).
     */
    public static int oid(String kind, String schema, String name) {
        CRC32 crc = new CRC32();
        crc.update((kind + '\0' + schema + '\0' + name).getBytes(StandardCharsets.UTF_8));
        int oid = 16384 + (int) (crc.getValue() % 1_000_000_000L);
        // the lowest bit says whether the schema is on the search path, so visibility needs no lookup
        return schema.equals("public") ? oid & ~1 : oid | 1;
    }

    public static int namespaceOid(String schema) {
        return switch (schema) {
            case "pg_catalog" -> 11;
            case "public" -> 2200;
            case "information_schema" -> 13000;
            default -> oid("n", schema, "");
        };
    }

    public static int typeOid(String dataType, Long length, String elementType) {
        return CatalogTypes.oid(dataType, length, elementType);
    }

    public static int typmod(Integer oid, Long length, Integer precision, Integer scale, Integer timePrecision) {
        return CatalogTypes.typmod(oid, length, precision, scale, timePrecision);
    }

    public static String formatType(Integer oid, Integer typmod) {
        return CatalogTypes.format(oid, typmod);
    }

    /** {@code pg_get_userbyid}: the proxy passes its session's user, the role every object belongs to. */
    public static String userById(String user, Integer oid) {
        if (oid == null) {
            return null;
        }
        return oid == OWNER ? user : oid == DATABASE_OWNER ? "pg_database_owner" : "unknown (OID=" + oid + ")";
    }

    /** {@code pg_table_is_visible}: whether the relation's schema is {@code public}, which its OID tells. */
    public static Boolean tableIsVisible(Integer oid) {
        return oid == null ? null : oid >= 16384 && (oid & 1) == 0;
    }

    /** {@code pg_get_indexdef}: the whole definition for column 0, else the name of that key column. */
    public static String indexDef(Connection c, Integer oid, Integer column, Boolean pretty) throws SQLException {
        String def = CatalogLookups.find(c, "SELECT indexrelid, indexdef FROM pg_catalog.lattice_pg_index", oid);
        if (def == null || column == null || column <= 0) {
            return def;
        }
        String[] keys = def.substring(def.lastIndexOf('(') + 1, def.length() - 1).split(", ");
        return column <= keys.length ? keys[column - 1] : "";
    }

    public static String indexDef(Connection c, Integer oid) throws SQLException {
        return indexDef(c, oid, 0, false);
    }

    public static String constraintDef(Connection c, Integer oid, Boolean pretty) throws SQLException {
        return CatalogLookups.find(c, "SELECT oid, condef FROM pg_catalog.lattice_pg_constraint", oid);
    }

    public static String constraintDef(Connection c, Integer oid) throws SQLException {
        return constraintDef(c, oid, false);
    }

    /** {@code pg_get_expr}: the catalog stores expressions as their text already. */
    public static String expr(String expression, Integer relation) {
        return expression;
    }

    public static String expr(String expression, Integer relation, Boolean pretty) {
        return expression;
    }

    public static String description(Connection c, Integer oid, String catalog) throws SQLException {
        return CatalogLookups.find(c, "SELECT objoid, description FROM pg_catalog.lattice_pg_description"
                + " WHERE objsubid = 0", oid);
    }

    public static String description(Connection c, Integer oid) throws SQLException {
        return description(c, oid, null);
    }

    public static String columnDescription(Connection c, Integer relation, Integer column) throws SQLException {
        if (relation == null || column == null) {
            return null;
        }
        return CatalogLookups.find(c, "SELECT objoid || '.' || objsubid, description"
                + " FROM pg_catalog.lattice_pg_description WHERE objsubid > 0", relation + "." + column);
    }

    /** {@code shobj_description}: shared objects (the database, roles) carry no comment over H2. */
    public static String sharedDescription(Integer oid, String catalog) {
        return null;
    }

    public static String encodingToChar(Integer encoding) {
        return encoding != null && encoding == 6 ? "UTF8" : "";
    }

    /** {@code oid::regclass} as text: the relation's name, schema-qualified when it is not visible. */
    public static String regclassName(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String name = CatalogLookups.find(c, "SELECT oid, CASE WHEN nspname = 'public' THEN"
                + " pg_catalog.lattice_quote_ident(relname) ELSE pg_catalog.lattice_quote_ident(nspname) || '.' ||"
                + " pg_catalog.lattice_quote_ident(relname) END FROM pg_catalog.lattice_relations", oid);
        return name == null ? oid.toString() : name;
    }

    /** {@code 'name'::regclass}: the OID of the relation of that name (optionally schema-qualified). */
    public static Integer regclassOid(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(name);
        }
        Integer system = SYSTEM_RELATIONS.get(name.startsWith("pg_catalog.") ? name.substring(11) : name);
        if (system != null) {
            return system;
        }
        int dot = name.indexOf('.');
        String schema = dot < 0 ? "public" : CatalogNames.unquote(name.substring(0, dot));
        String relation = CatalogNames.unquote(dot < 0 ? name : name.substring(dot + 1));
        try (PreparedStatement ps = c.prepareStatement("SELECT oid FROM pg_catalog.lattice_relations "
                + "WHERE nspname = ? AND relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, relation);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getInt(1);
                }
            }
        }
        throw new SQLException("relation \"" + name + "\" does not exist", "42P01");
    }

    /** {@code array_upper(array, 1)}: the length of a one-dimensional array. */
    public static Integer arrayUpper(String[] array, Integer dimension) {
        if (array == null || dimension == null || dimension != 1) {
            return null;
        }
        int n = array.length;
        return n == 0 ? null : n;
    }

    /**
     * {@code array[index]} of the catalog's small-integer arrays: null outside the array, as in
     * PostgreSQL (H2 fails there), from {@code base} 0 for int2vector columns (indkey, indoption).
     */
    public static Integer element(Integer[] array, Integer index, Integer base) {
        if (array == null || index == null) {
            return null;
        }
        int at = index - base;
        return at >= 0 && at < array.length ? array[at] : null;
    }

    /** PostgreSQL's {@code quote_ident}: quotes only what needs quotes (H2's always quotes). */
    public static String quoteIdent(String name) {
        return name == null ? null : CatalogNames.quoteIfNeeded(name);
    }

    /** {@code pg_get_viewdef}: the view's query as H2 keeps it. */
    public static String viewDef(Connection c, Integer oid, Boolean pretty) throws SQLException {
        return CatalogLookups.find(c, "SELECT r.oid, v.view_definition FROM information_schema.views v"
                + " JOIN pg_catalog.lattice_relations r ON r.nspname = v.table_schema AND r.relname = v.table_name"
                + " AND r.relkind = 'v'", oid);
    }

    public static String viewDef(Connection c, Integer oid) throws SQLException {
        return viewDef(c, oid, false);
    }

    /** A relation that is no partition is its own only ancestor. */
    public static Integer partitionAncestors(Integer oid) {
        return oid;
    }

    public static Boolean relationIsPublishable(Integer oid) {
        return false;
    }

    public static String[] currentSchemas(Boolean implicit) {
        return Boolean.TRUE.equals(implicit) ? new String[] {"pg_catalog", "public"} : new String[] {"public"};
    }

    /** {@code pg_get_keywords()}: PostgreSQL's reserved words, which GUI clients highlight. */
    public static ResultSet keywords() {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("word", Types.VARCHAR, 64, 0);
        rs.addColumn("catcode", Types.CHAR, 1, 0);
        rs.addColumn("barelabel", Types.BOOLEAN, 1, 0);
        rs.addColumn("catdesc", Types.VARCHAR, 64, 0);
        rs.addColumn("baredesc", Types.VARCHAR, 64, 0);
        for (String word : CatalogNames.RESERVED) {
            rs.addRow(word, "R", true, "reserved", "can be bare label");
        }
        return rs;
    }
}
