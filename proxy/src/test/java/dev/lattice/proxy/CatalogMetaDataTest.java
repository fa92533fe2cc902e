package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pgjdbc's DatabaseMetaData and the queries GUI clients (DBeaver) send at connect time, through
 * the proxy over H2: answered from the proxy's pg_catalog with the content PostgreSQL would give.
 */
class CatalogMetaDataTest {

    private static RunningProxy proxy;
    private static Connection c;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("catalogmeta");
        c = proxy.connect();
        try (Statement s = c.createStatement()) {
            for (String statement : PsqlCatalogTest.SCHEMA.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            s.execute("COMMENT ON TABLE posts IS 'what authors write'");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        c.close();
        proxy.close();
    }

    private static List<Map<String, String>> rows(ResultSet rs, String... columns) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (String column : columns) {
                    row.put(column, rs.getString(column));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void getTablesListsTheUsersTablesAndViewsOnly() throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<Map<String, String>> tables = rows(md.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"}),
                "TABLE_NAME", "TABLE_TYPE", "REMARKS");
        assertEquals(List.of(Map.of("TABLE_NAME", "authors", "TABLE_TYPE", "TABLE"),
                        Map.of("TABLE_NAME", "posts", "TABLE_TYPE", "TABLE"),
                        Map.of("TABLE_NAME", "recent_posts", "TABLE_TYPE", "VIEW")),
                tables.stream().map(r -> Map.of("TABLE_NAME", r.get("TABLE_NAME"), "TABLE_TYPE", r.get("TABLE_TYPE")))
                        .toList());
        assertEquals("what authors write", tables.get(1).get("REMARKS"));
        List<Map<String, String>> all = rows(md.getTables(null, null, "%", null), "TABLE_SCHEM", "TABLE_NAME");
        for (Map<String, String> r : all) {
            assertEquals("public", r.get("TABLE_SCHEM"), "nothing of Lattice's or H2's own: " + all);
            assertFalse(r.get("TABLE_NAME").startsWith("lattice_") || r.get("TABLE_NAME").startsWith("pg_"),
                    "no catalog object among the user's: " + all);
        }
    }

    @Test
    void getColumnsGivesTypesNullabilityAndDefaults() throws SQLException {
        List<Map<String, String>> columns = rows(c.getMetaData().getColumns(null, "public", "posts", "%"),
                "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "IS_NULLABLE", "COLUMN_DEF",
                "IS_AUTOINCREMENT");
        assertEquals(List.of("id", "author_id", "title", "body", "created", "score"),
                columns.stream().map(r -> r.get("COLUMN_NAME")).toList());
        Map<String, String> id = columns.get(0);
        assertEquals("serial", id.get("TYPE_NAME"));
        assertEquals(String.valueOf(Types.INTEGER), id.get("DATA_TYPE"));
        assertEquals("nextval('posts_id_seq'::regclass)", id.get("COLUMN_DEF"));
        assertEquals("YES", id.get("IS_AUTOINCREMENT"));
        assertEquals("NO", id.get("IS_NULLABLE"));
        Map<String, String> title = columns.get(2);
        assertEquals("varchar", title.get("TYPE_NAME"));
        assertEquals("200", title.get("COLUMN_SIZE"));
        assertEquals("json", columns.get(3).get("TYPE_NAME"));
        assertEquals("YES", columns.get(3).get("IS_NULLABLE"));
        assertEquals("timestamp", columns.get(4).get("TYPE_NAME"));
        assertEquals("now()", columns.get(4).get("COLUMN_DEF"));
        Map<String, String> score = columns.get(5);
        assertEquals("numeric", score.get("TYPE_NAME"));
        assertEquals("10", score.get("COLUMN_SIZE"));
        assertEquals("2", score.get("DECIMAL_DIGITS"));
        assertEquals("0", score.get("COLUMN_DEF"));
    }

    @Test
    void getPrimaryKeysAndGetIndexInfoNameWhatPostgresNames() throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        assertEquals(List.of(Map.of("COLUMN_NAME", "id", "KEY_SEQ", "1", "PK_NAME", "posts_pkey")),
                rows(md.getPrimaryKeys(null, "public", "posts"), "COLUMN_NAME", "KEY_SEQ", "PK_NAME"));
        List<Map<String, String>> indexes = rows(md.getIndexInfo(null, "public", "posts", false, false),
                "INDEX_NAME", "NON_UNIQUE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC");
        assertEquals(List.of(
                Map.of("INDEX_NAME", "posts_pkey", "NON_UNIQUE", "f", "ORDINAL_POSITION", "1", "COLUMN_NAME", "id",
                        "ASC_OR_DESC", "A"),
                Map.of("INDEX_NAME", "posts_title_idx", "NON_UNIQUE", "t", "ORDINAL_POSITION", "1", "COLUMN_NAME",
                        "title", "ASC_OR_DESC", "A")), indexes, "H2's own index for the foreign key is not listed");
    }

    @Test
    void getImportedAndExportedKeysFollowTheForeignKey() throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String[] columns = {"PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "FK_NAME",
            "PK_NAME", "UPDATE_RULE", "DELETE_RULE"};
        Map<String, String> key = new LinkedHashMap<>();
        key.put("PKTABLE_NAME", "authors");
        key.put("PKCOLUMN_NAME", "id");
        key.put("FKTABLE_NAME", "posts");
        key.put("FKCOLUMN_NAME", "author_id");
        key.put("KEY_SEQ", "1");
        key.put("FK_NAME", "posts_author_id_fkey");
        key.put("PK_NAME", "authors_pkey");
        key.put("UPDATE_RULE", String.valueOf(DatabaseMetaData.importedKeyNoAction));
        key.put("DELETE_RULE", String.valueOf(DatabaseMetaData.importedKeyNoAction));
        assertEquals(List.of(key), rows(md.getImportedKeys(null, "public", "posts"), columns));
        assertEquals(List.of(key), rows(md.getExportedKeys(null, "public", "authors"), columns));
    }

    @Test
    void typeLookupsAndGetTypeInfoWork() throws SQLException {
        List<Map<String, String>> types = rows(c.getMetaData().getTypeInfo(), "TYPE_NAME");
        assertTrue(types.contains(Map.of("TYPE_NAME", "int4")) && types.contains(Map.of("TYPE_NAME", "json")), "" + types);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select body from posts")) {
            assertEquals("json", rs.getMetaData().getColumnTypeName(1), "pgjdbc looked the OID up in pg_type");
        }
    }

    @Test
    void theFunctionsClientsCallAtConnectAnswer() throws SQLException {
        try (Statement s = c.createStatement()) {
            assertEquals(List.of("public", "{pg_catalog,public}"), row(s, "select current_schema(), current_schemas(true)"));
            assertEquals(List.of("\"$user\", public"), row(s, "SHOW search_path"));
            assertEquals(List.of("on"), row(s, "select setting from pg_catalog.pg_settings where name = 'standard_conforming_strings'"));
            assertEquals(List.of("integer", "character varying(20)", "t", "t"), row(s,
                    "select pg_catalog.format_type(23, -1), format_type(1043, 24), pg_table_is_visible('posts'::regclass),"
                            + " has_table_privilege('posts', 'select')"));
            assertEquals(List.of("CREATE INDEX posts_title_idx ON public.posts USING btree (title)", "PRIMARY KEY (id)"),
                    row(s, "select pg_get_indexdef(i.indexrelid), pg_get_constraintdef(c.oid, true) from pg_index i"
                            + " join pg_class t on t.oid = i.indrelid join pg_constraint c on c.conrelid = t.oid"
                            + " and c.contype = 'p' where t.relname = 'posts' and not i.indisprimary"));
            assertEquals(List.of("what authors write", "nextval('authors_id_seq'::regclass)"), row(s,
                    "select obj_description('posts'::regclass, 'pg_class'), (select pg_get_expr(adbin, adrelid)"
                            + " from pg_attrdef where adrelid = 'authors'::regclass)"));
            assertEquals(List.of("lattice", "lattice", "lattice", "t"), row(s,
                    "select current_database(), current_user, current_catalog, pg_backend_pid() > 0"));
            assertEquals(List.of("x"), row(s, "select set_config('application_name', 'x', false)"));
            assertEquals(List.of("x"), row(s, "select current_setting('application_name')"));
            assertTrue(row(s, "select version()").get(0).startsWith("PostgreSQL 15"));
            assertEquals(List.of("public", "pg_database_owner"), row(s, "select n.nspname, pg_get_userbyid(n.nspowner)"
                    + " from pg_catalog.pg_namespace n left join pg_catalog.pg_description d on d.objoid = n.oid"
                    + " and d.objsubid = 0 and d.classoid = 'pg_namespace'::regclass where n.nspname = 'public'"));
            assertTrue(Integer.parseInt(row(s, "select count(*) from pg_catalog.pg_get_keywords()"
                    + " where catcode = 'R'").get(0)) > 50);
        }
    }

    private static List<String> row(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                values.add(rs.getString(i));
            }
            return values;
        }
    }
}
