package dev.lattice.proxy.pgsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PgColumnNamesTest {

    @Test
    void functionCallsAreNamedAfterTheFunction() {
        assertEquals("SELECT count(*) AS \"count\" FROM t", PgColumnNames.name("SELECT count(*) FROM t"));
        assertEquals("select now() AS \"now\", pg_catalog.upper(b) AS \"upper\", trim(b) AS \"btrim\" from t",
                PgColumnNames.name("select now(), pg_catalog.upper(b), trim(b) from t"));
        assertEquals("SELECT row_number() OVER (ORDER BY a) AS \"row_number\" FROM t",
                PgColumnNames.name("SELECT row_number() OVER (ORDER BY a) FROM t"));
        assertEquals("SELECT DISTINCT max(a) AS \"max\";", PgColumnNames.name("SELECT DISTINCT max(a);"));
    }

    @Test
    void castsAreNamedAfterTheirOperandOrElseTheirType() {
        assertEquals("SELECT a::text AS \"a\", 1::int AS \"int4\", '{}'::text[] AS \"_text\","
                        + " CAST(t.b AS varchar(9)) AS \"b\", now()::timestamp with time zone AS \"now\" FROM t",
                PgColumnNames.name("SELECT a::text, 1::int, '{}'::text[], CAST(t.b AS varchar(9)),"
                        + " now()::timestamp with time zone FROM t"));
    }

    @Test
    void caseArrayAndBooleansHavePostgresNames() {
        assertEquals("SELECT CASE WHEN a THEN 1 END AS \"case\", ARRAY[1, 2] AS \"array\", true AS \"bool\","
                        + " EXISTS (SELECT 1) AS \"exists\"",
                PgColumnNames.name("SELECT CASE WHEN a THEN 1 END, ARRAY[1, 2], true, EXISTS (SELECT 1)"));
    }

    @Test
    void columnsAliasedItemsAndOperatorsAreLeftToH2() {
        for (String sql : new String[] {"SELECT a, t.b, * FROM t", "SELECT count(*) c, max(a) AS m FROM t",
            "SELECT 1 + 1", "SELECT a::int + 1 FROM t", "SELECT x::int y FROM t", "INSERT INTO t SELECT count(*) FROM u",
            "SELECT (SELECT count(*) FROM t)"}) {
            assertSame(sql, PgColumnNames.name(sql), sql);
        }
        assertEquals("SELECT count(*) AS \"count\" FROM t UNION SELECT max(a) FROM u",
                PgColumnNames.name("SELECT count(*) FROM t UNION SELECT max(a) FROM u"));
    }
}
