package dev.lattice.proxy.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COPY statements as PostgreSQL reads them, and its text and CSV data however it is cut into messages. */
class CopyStatementTest {

    @Test
    void bothOptionSyntaxesGiveTheSameFormat() throws SQLException {
        CopyStatement current = CopyStatement.parse("COPY public.t (a, \"B\") FROM STDIN WITH (FORMAT csv, HEADER true, "
                + "DELIMITER ';', NULL 'n/a', QUOTE '''', FREEZE)");
        CopyStatement old = CopyStatement.parse("copy public.t (a, \"B\") from stdin csv header delimiter as ';' "
                + "null as 'n/a' quote as ''''");
        for (CopyStatement c : List.of(current, old)) {
            assertEquals("public.t", c.table());
            assertEquals("t", c.tableName());
            assertEquals(List.of("a", "\"B\""), c.columns());
            assertTrue(c.from());
            assertTrue(c.format().csv());
            assertEquals(';', c.format().delimiter());
            assertEquals("n/a", c.format().nullString());
            assertEquals('\'', c.format().quote());
            assertEquals(CopyFormat.Header.PRESENT, c.format().header());
        }
        CopyStatement query = CopyStatement.parse("COPY (select 1, ')') TO STDOUT;");
        assertFalse(query.from());
        assertEquals("select 1, ')'", query.query());
        assertEquals('\t', query.format().delimiter());
        assertEquals("\\N", query.format().nullString());
    }

    @Test
    void badOptionsAreRefusedWithPostgresSqlStates() {
        assertState("42601", "COPY t FROM STDIN (bogus 1)");
        assertState("42601", "COPY t FROM STDIN (FORMAT csv, FORMAT text)");
        assertState("22023", "COPY t FROM STDIN (FORMAT xml)");
        assertState("0A000", "COPY t FROM STDIN (FORMAT binary)");
        assertState("0A000", "COPY t FROM STDIN (DELIMITER ';;')");
        assertState("0A000", "COPY t FROM STDIN (QUOTE '\"')");
        assertState("0A000", "COPY t TO STDOUT (FORCE_QUOTE *)");
        assertState("22023", "COPY t FROM STDIN (FORMAT csv, DELIMITER '\"')");
        assertState("0A000", "COPY t TO STDOUT (HEADER match)");
        assertState("42601", "COPY (select 1) FROM STDIN");
        assertState("42601", "COPY t FROM STDIN extra");
    }

    @Test
    void textAndCsvRowsAreReadWhereverTheMessagesCutThem() throws SQLException {
        assertEquals(List.of(Arrays.asList("1", null, "a\tb\\c"), Arrays.asList("2", "", "x")),
                rows("COPY t FROM STDIN", "1\t\\N\ta\\tb\\\\c\r\n2\t\tx\n\\.\nignored\n"));
        assertEquals(List.of(Arrays.asList("1", null, "a,\"b\"\nc"), Arrays.asList("2", "", "\\N")),
                rows("COPY t FROM STDIN (FORMAT csv)", "1,,\"a,\"\"b\"\"\nc\"\n2,\"\",\\N"));
        CopyException e = assertThrows(CopyException.class, () -> rows("COPY t FROM STDIN (FORMAT csv)", "1,\"open\n"));
        assertEquals("22P04", e.getSQLState());
        assertEquals("COPY t, line 1", e.context());
    }

    private static List<List<String>> rows(String copy, String data) throws SQLException {
        CopyStatement st = CopyStatement.parse(copy);
        CopyInParser parser = new CopyInParser(st.format(), st.tableName());
        List<List<String>> rows = new ArrayList<>();
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 3) {
            parser.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 3)), (fields, line) -> rows.add(fields));
        }
        parser.finish((fields, line) -> rows.add(fields));
        return rows;
    }

    private static void assertState(String state, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> CopyStatement.parse(sql), sql);
        assertEquals(state, e.getSQLState(), sql + ": " + e.getMessage());
    }
}
