package dev.lattice.proxy.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The names of the catalog: which {@code pg_catalog} relations and functions the proxy answers
 * over H2, and the object on the node that answers each ({@code pg_catalog.lattice_<name>}:
 * H2's PostgreSQL mode keeps a smaller {@code pg_catalog} of its own under the plain names).
 */
public final class CatalogNames {

    /** Relations: a view of this name with prefix {@link #PREFIX} stands for each. */
    static final Set<String> RELATIONS = Set.of("PG_AM", "PG_ATTRDEF", "PG_ATTRIBUTE", "PG_AUTH_MEMBERS",
            "PG_CLASS", "PG_COLLATION", "PG_CONSTRAINT", "PG_DATABASE", "PG_DESCRIPTION", "PG_INDEX", "PG_INHERITS",
            "PG_NAMESPACE", "PG_POLICY", "PG_PUBLICATION", "PG_PUBLICATION_NAMESPACE", "PG_PUBLICATION_REL",
            "PG_SEQUENCE", "PG_STATISTIC_EXT", "PG_TRIGGER", "PG_TYPE", "PG_TABLESPACE", "PG_EXTENSION", "PG_PROC",
            "PG_REWRITE", "PG_PARTITIONED_TABLE", "PG_FOREIGN_TABLE", "PG_ENUM", "PG_RANGE", "PG_DEPEND", "PG_INDEXES");

    /** Relations with an owner column, which the proxy fills with the session's role: name → the select, %s the role. */
    static final Map<String, String> OWNED_RELATIONS = Map.of(
            "PG_TABLES", "(SELECT schemaname, tablename, %s AS tableowner, tablespace, hasindexes, hasrules, hastriggers,"
                    + " rowsecurity FROM pg_catalog.lattice_pg_tables)",
            "PG_VIEWS", "(SELECT schemaname, viewname, %s AS viewowner, definition FROM pg_catalog.lattice_pg_views)");

    /** Relations that hold rows of the session's role, answered by the proxy with that name. */
    static final Set<String> ROLE_RELATIONS = Set.of("PG_ROLES", "PG_USER", "PG_AUTHID");

    /** pg_settings: the session's settings, answered by the proxy. */
    static final String SETTINGS = "PG_SETTINGS";

    /** Functions: name → the alias that answers it. */
    static final Map<String, String> FUNCTIONS = Map.ofEntries(
            Map.entry("FORMAT_TYPE", "lattice_format_type"),
            Map.entry("PG_TABLE_IS_VISIBLE", "lattice_pg_table_is_visible"),
            Map.entry("PG_GET_INDEXDEF", "lattice_pg_get_indexdef"),
            Map.entry("PG_GET_CONSTRAINTDEF", "lattice_pg_get_constraintdef"),
            Map.entry("PG_GET_EXPR", "lattice_pg_get_expr"),
            Map.entry("OBJ_DESCRIPTION", "lattice_obj_description"),
            Map.entry("COL_DESCRIPTION", "lattice_col_description"),
            Map.entry("PG_ENCODING_TO_CHAR", "lattice_pg_encoding_to_char"),
            Map.entry("PG_PARTITION_ANCESTORS", "lattice_pg_partition_ancestors"),
            Map.entry("PG_RELATION_IS_PUBLISHABLE", "lattice_pg_relation_is_publishable"),
            Map.entry("CURRENT_SCHEMAS", "lattice_current_schemas"),
            Map.entry("ARRAY_UPPER", "lattice_array_upper"),
            Map.entry("QUOTE_IDENT", "lattice_quote_ident"),
            Map.entry("PG_GET_VIEWDEF", "lattice_pg_get_viewdef"),
            Map.entry("PG_GET_KEYWORDS", "lattice_pg_get_keywords"),
            Map.entry("PG_SIZE_PRETTY", "lattice_pg_size_pretty"),
            Map.entry("SHOBJ_DESCRIPTION", "lattice_shobj_description"),
            Map.entry("PG_TABLE_SIZE", "lattice_pg_table_size"),
            Map.entry("PG_RELATION_SIZE", "lattice_pg_relation_size"),
            Map.entry("PG_TOTAL_RELATION_SIZE", "lattice_pg_total_relation_size"),
            Map.entry("PG_INDEXES_SIZE", "lattice_pg_indexes_size"),
            Map.entry("PG_DATABASE_SIZE", "lattice_pg_database_size"));

    /** Relations that hold no rows over H2: a query that needs a row of one of them has none. */
    static final Set<String> ALWAYS_EMPTY = Set.of("PG_POLICY", "PG_STATISTIC_EXT", "PG_PUBLICATION",
            "PG_PUBLICATION_NAMESPACE", "PG_PUBLICATION_REL", "PG_TRIGGER", "PG_INHERITS", "PG_AUTH_MEMBERS",
            "PG_REWRITE", "PG_PARTITIONED_TABLE", "PG_FOREIGN_TABLE", "PG_ENUM", "PG_RANGE", "PG_EXTENSION");

    static final String PREFIX = "lattice_";

    /** A few of PostgreSQL's reserved key words, as {@code pg_get_keywords()} lists them. */
    static final List<String> RESERVED = List.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
            "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create",
            "current_catalog", "current_date", "current_role", "current_time", "current_timestamp", "current_user",
            "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
            "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral",
            "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order",
            "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric", "table",
            "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
            "window", "with");

    private CatalogNames() {
    }

    /** A name as PostgreSQL prints it: in double quotes unless it is a plain lower-case word. */
    static String quoteIfNeeded(String name) {
        boolean plain = !name.isEmpty() && (Character.isLowerCase(name.charAt(0)) || name.charAt(0) == '_')
                && !RESERVED.contains(name);
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = Character.isLowerCase(c) || Character.isDigit(c) || c == '_';
        }
        return plain ? name : '"' + name.replace("\"", "\"\"") + '"';
    }

    static String unquote(String name) {
        String n = name.strip();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
            return n.substring(1, n.length() - 1).replace("\"\"", "\"");
        }
        return n.toLowerCase(Locale.ROOT);
    }
}
