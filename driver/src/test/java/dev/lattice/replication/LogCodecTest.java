package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The log's encoding: every captured value type decodes to an equal value, and the bytes are
 * exactly those of format 1 as durable logs already hold it (written by the stream-based encoder
 * this one replaced), so a durable log written before reads the same after.
 */
class LogCodecTest {

    static final Object[] ROW = {null, 7, -9L, "h\u00e9llo \u2713", true, 1.5d, 2.5f, new BigDecimal("-12.345"),
        new BigInteger("123456789012345678901234567890"), new byte[] {1, 2, 3}, (short) -3, (byte) 4,
        LocalDate.of(2026, 12, 7), LocalTime.of(10, 15, 3, 123456789), LocalDateTime.of(2026, 12, 7, 10, 15, 3, 5),
        OffsetDateTime.of(2026, 12, 7, 10, 15, 3, 5, ZoneOffset.ofHours(2)),
        OffsetTime.of(10, 15, 3, 5, ZoneOffset.ofHours(-3)), new UUID(1, 2), new Object[] {1, "a", null}};

    /** Three changes over two tables (one named with a quote and a non-ASCII schema), as format 1 wrote them. */
    private static final String ROWS =
            "010000000003ffffffff00065055424c49430002543100ffffffff0000001300010000000702ffff"
            + "fffffffffff7030000000a68c3a96c6c6f20e29c930401053ff80000000000000640200000070000"
            + "0002cfc700000003120000000d018ee90ff6c373e0ee4e3f0ad2080000000301020309fffd0a040b"
            + "000000000000513a0c000021902d9093150d000000000000513a000021902634c6050e0000000000"
            + "00513a000021902634c60500001c2011000021902634c605ffffd5d00f0000000000000001000000"
            + "00000000021000000003010000000103000000016100ffffffff000353c3a9000354223201000000"
            + "02010000000103000000017800000002010000000103000000017900000000020000001300010000"
            + "000702fffffffffffffff7030000000a68c3a96c6c6f20e29c930401053ff8000000000000064020"
            + "00000700000002cfc700000003120000000d018ee90ff6c373e0ee4e3f0ad2080000000301020309"
            + "fffd0a040b000000000000513a0c000021902d9093150d000000000000513a000021902634c6050e"
            + "000000000000513a000021902634c60500001c2011000021902634c605ffffd5d00f000000000000"
            + "000100000000000000021000000003010000000103000000016100ffffffff";

    static LoggedTransaction sample() {
        TableId t1 = new TableId("PUBLIC", "T1");
        TableId t2 = new TableId("S\u00e9", "T\"2");
        return LoggedTransaction.ofChanges(5, 6, List.of(new RowChange(t1, RowChange.Op.INSERT, null, ROW),
                new RowChange(t2, RowChange.Op.UPDATE, new Object[] {1, "x"}, new Object[] {1, "y"}),
                new RowChange(t1, RowChange.Op.DELETE, ROW, null)));
    }

    @Test
    void rowChangesAreEncodedAsFormatOneWroteThem() {
        assertEquals(ROWS, hex(sample()));
    }

    @Test
    void ddlAndResyncAreEncodedAsFormatOneWroteThem() {
        assertEquals("010100065055424c494300000016435245415445205441424c4520c3a9287820494e5429",
                hex(LoggedTransaction.ofDdl(1, 2, "CREATE TABLE \u00e9(x INT)", "PUBLIC")));
        assertEquals("010100000000000c44524f50205441424c452078", hex(LoggedTransaction.ofDdl(1, 2, "DROP TABLE x", null)));
        assertEquals("0102", hex(LoggedTransaction.resync(1, 2)));
    }

    private static String hex(LoggedTransaction tx) {
        return HexFormat.of().formatHex(LogCodec.encode(tx));
    }

    @Test
    void everyValueDecodesEqual() {
        LoggedTransaction tx = LogCodec.decode(5, 6, HexFormat.of().parseHex(ROWS));
        assertEquals(5, tx.lsn());
        assertEquals(6, tx.commitMillis());
        assertSameChanges(sample(), tx);
        LoggedTransaction ddl = LogCodec.decode(1, 2, HexFormat.of().parseHex("010100000000000c44524f50205441424c452078"));
        assertEquals("DROP TABLE x", ddl.ddl());
        assertNull(ddl.ddlSchema());
    }

    static void assertSameChanges(LoggedTransaction expected, LoggedTransaction actual) {
        assertEquals(expected.changes().size(), actual.changes().size());
        for (int i = 0; i < expected.changes().size(); i++) {
            RowChange e = expected.changes().get(i);
            RowChange a = actual.changes().get(i);
            assertEquals(e.table(), a.table());
            assertEquals(e.op(), a.op());
            assertRowEquals(e.oldRow(), a.oldRow());
            assertRowEquals(e.newRow(), a.newRow());
        }
    }

    private static void assertRowEquals(Object[] expected, Object[] actual) {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] instanceof byte[] bytes) {
                assertArrayEquals(bytes, (byte[]) actual[i]);
            } else if (expected[i] instanceof Object[] array) {
                assertRowEquals(array, (Object[]) actual[i]);
            } else {
                assertEquals(expected[i], actual[i], "value " + i);
            }
        }
    }
}
