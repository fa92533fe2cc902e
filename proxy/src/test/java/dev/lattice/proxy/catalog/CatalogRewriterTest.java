package dev.lattice.proxy.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a client's catalog query is pointed at the proxy's catalog, and that other text is left alone. */
class CatalogRewriterTest {

    private final CatalogRewriter rewriter = new CatalogRewriter("ann", () -> Map.of("search_path", "public"));

    @Test
    void statementsThatNameNoCatalogObjectAreLeftAsTheyAre() {
        String sql = "select p.id, p.title from posts p join authors a on a.id = p.author_id where p.score > 1";
        assertEquals(sql, rewriter.rewrite(sql));
    }

    @Test
    void catalogRelationsAndFunctionsPointAtTheProxysCatalog() {
        assertEquals("SELECT c.relname, pg_catalog.lattice_pg_get_userbyid('ann', c.relowner) FROM"
                        + " pg_catalog.lattice_pg_class c WHERE pg_catalog.lattice_pg_table_is_visible(c.oid)",
                rewriter.rewrite("SELECT c.relname, pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c"
                        + " WHERE pg_catalog.pg_table_is_visible(c.oid)"));
        assertEquals("select typname from pg_catalog.lattice_pg_type AS pg_type where pg_type.oid = 23",
                rewriter.rewrite("select typname from pg_type where pg_type.oid = 23"),
                "a relation referred to by its own name keeps that name");
        assertEquals("select array_to_string(x, ',') from pg_catalog.lattice_pg_class c",
                rewriter.rewrite("select pg_catalog.array_to_string(x, ',') from pg_catalog.pg_class c"),
                "H2's own functions lose the qualifier");
    }

    @Test
    void psqlsOperatorsCollationsAndRegclassCastsBecomeH2s() {
        assertEquals("select 1 from pg_catalog.lattice_pg_class c where c.relname  ~  '^(t)$'  and"
                        + " pg_catalog.lattice_regclass_name(c.conrelid) = 'x' and c.oid = pg_catalog.lattice_regclass_oid('t')",
                rewriter.rewrite("select 1 from pg_catalog.pg_class c where c.relname OPERATOR(pg_catalog.~) '^(t)$'"
                        + " COLLATE pg_catalog.default and c.conrelid::pg_catalog.regclass = 'x' and c.oid = 't'::regclass"));
        assertEquals("select pg_catalog.lattice_element(i.indkey, 0, 0), BITAND(pg_catalog.lattice_element(i.indoption, 1, 0), 1::smallint)"
                        + " from pg_catalog.lattice_pg_index i",
                rewriter.rewrite("select i.indkey[0], i.indoption[1] & 1::smallint from pg_catalog.pg_index i"));
    }

    @Test
    void aQueryThatNeedsARowOfAnAlwaysEmptyRelationHasNone() {
        assertEquals(CatalogRewriter.NO_ROWS, rewriter.rewrite("SELECT pubname FROM pg_catalog.pg_publication p"
                + " JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid UNION SELECT pubname FROM"
                + " pg_catalog.pg_publication p WHERE p.puballtables"));
        String outer = "SELECT c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid";
        assertTrue(rewriter.rewrite(outer).contains("lattice_pg_inherits"), "an outer join keeps its rows");
    }

    @Test
    void rolesAndSettingsAreTheSessions() {
        String roles = rewriter.rewrite("SELECT r.rolname FROM pg_catalog.pg_roles r");
        assertTrue(roles.contains("'ann' AS rolname") && roles.endsWith(") r"), roles);
        String settings = rewriter.rewrite("select setting from pg_settings where name = 'search_path'");
        assertTrue(settings.contains("('search_path', 'public',") && settings.contains(" AS pg_settings where"), settings);
    }

    @Test
    void pgjdbcsExpandArrayBecomesAJoinOfPositions() {
        String sql = ExpandArray.rewrite("SELECT r.k FROM (SELECT a.attname, (information_schema._pg_expandarray(i.indkey)).n"
                + " AS k, information_schema._pg_expandarray(i.indkey) AS keys, a.attnum FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid WHERE true) r WHERE r.attnum = (r.keys).x");
        assertEquals("SELECT r.k FROM (SELECT a.attname, lattice_k.n AS k, pg_catalog.lattice_element(i.indkey,"
                + " lattice_k.n, 1) AS keys, a.attnum FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON"
                + " a.attrelid = i.indrelid  JOIN system_range(1, 32) lattice_k(n) ON lattice_k.n <= CARDINALITY(i.indkey)"
                + " WHERE true) r WHERE r.attnum = r.keys", sql);
    }
}
