package dev.lattice.proxy.types;

import dev.lattice.proxy.protocol.ProtocolException;
import dev.lattice.proxy.protocol.Utf8;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/** Turns a Bind parameter (text or binary, of a declared OID) into the Java value bound on H2. */
public final class ValueDecoder {

    private ValueDecoder() {
    }

    /**
     * @param oid the type the client declared, 0 when unspecified (then text goes to H2 as a
     *            string, which H2 converts to the column's type)
     */
    public static Object decode(byte[] value, int oid, boolean binary) throws SQLException {
        return decode(value, oid, binary, ZoneOffset.UTC);
    }

    /**
     * @param zone the session's TimeZone, in which a timestamptz written without an offset is read
     *             (as PostgreSQL reads it)
     */
    public static Object decode(byte[] value, int oid, boolean binary, java.time.ZoneId zone) throws SQLException {
        if (value == null) {
            return null;
        }
        if (binary && ServerValues.elementOf(oid) != 0) {
            return ArrayBinary.read(value, oid);
        }
        if (oid == PgType.JSON.oid() || oid == JSONB) {
            return json(value, binary && oid == JSONB);
        }
        PgType type = PgType.byOid(oid);
        if (!binary || isText(type)) {
            try {
                Utf8.check(value);
            } catch (ProtocolException e) {
                throw new SQLException(e.getMessage(), e.sqlState());
            }
        }
        if (binary && type != null) {
            checkRange(value, type);
        }
        try {
            return binary ? binary(value, type, oid) : text(new String(value, StandardCharsets.UTF_8), type, zone);
        } catch (RuntimeException e) {
            throw new SQLException("invalid " + (binary ? "binary" : "text") + " value for parameter of type "
                    + (type == null ? "oid " + oid : type.name().toLowerCase(Locale.ROOT)) + ": " + e.getMessage(),
                    binary ? "22P03" : "22P02", e);
        }
    }

    /** PostgreSQL's jsonb, which H2 holds as JSON. */
    private static final int JSONB = 3802;

    /**
     * A json or jsonb parameter (pgjdbc's PGobject, Hibernate's JSON attributes) as the UTF-8 bytes of
     * its text: H2 parses bytes bound to a JSON column as JSON, where a string would become a JSON string.
     */
    private static byte[] json(byte[] value, boolean jsonbBinary) throws SQLException {
        byte[] text = value;
        if (jsonbBinary) {
            if (value.length == 0 || value[0] != 1) {
                throw new SQLException("unsupported jsonb version number " + (value.length == 0 ? "" : value[0]),
                        "22P03");
            }
            text = java.util.Arrays.copyOfRange(value, 1, value.length);
        }
        try {
            Utf8.check(text);
        } catch (ProtocolException e) {
            throw new SQLException(e.getMessage(), e.sqlState());
        }
        return text;
    }

    private static boolean isText(PgType type) {
        return type == null || type == PgType.TEXT || type == PgType.VARCHAR || type == PgType.BPCHAR
                || type == PgType.JSON || type == PgType.UNKNOWN;
    }

    /** PostgreSQL's bounds of binary date/time values (date_recv, time_recv, timestamp_recv): 22008 outside. */
    private static void checkRange(byte[] value, PgType type) throws SQLException {
        switch (type) {
            case DATE -> {
                if (value.length == 4) {
                    int days = Unpooled.wrappedBuffer(value).readInt();
                    if (days < MIN_DAYS || days >= END_DAYS) {
                        throw new SQLException("date out of range", "22008");
                    }
                }
            }
            case TIME -> {
                if (value.length == 8) {
                    long micros = Unpooled.wrappedBuffer(value).readLong();
                    if (micros < 0 || micros > MICROS_PER_DAY) {
                        throw new SQLException("time out of range", "22008");
                    }
                }
            }
            case TIMESTAMP, TIMESTAMPTZ -> {
                if (value.length == 8) {
                    long micros = Unpooled.wrappedBuffer(value).readLong();
                    if (micros == Long.MIN_VALUE || micros == Long.MAX_VALUE) {
                        throw new SQLException("timestamp out of range: Lattice does not store -infinity or infinity",
                                "22008");
                    }
                    if (micros < MIN_TIMESTAMP || micros >= END_TIMESTAMP) {
                        throw new SQLException("timestamp out of range", "22008");
                    }
                }
            }
            default -> {
            }
        }
    }

    /** 4714-11-24 BC, PostgreSQL's first date, in days from 2000-01-01. */
    private static final int MIN_DAYS = -2_451_545;
    /** The first day past PostgreSQL's last date (5874897-12-31). */
    private static final int END_DAYS = 2_147_483_494 - 2_451_545;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** 4714-11-24 00:00 BC in microseconds from 2000-01-01. */
    private static final long MIN_TIMESTAMP = -211_813_488_000_000_000L;
    /** 294277-01-01 00:00, the first timestamp past PostgreSQL's range. */
    private static final long END_TIMESTAMP = 9_223_371_331_200_000_000L;

    private static Object text(String s, PgType type, java.time.ZoneId zone) {
        if (type == null) {
            return s;
        }
        return switch (type) {
            case BOOL -> bool(s);
            case INT2 -> Short.parseShort(s.trim());
            case INT4 -> Integer.parseInt(s.trim());
            case INT8 -> Long.parseLong(s.trim());
            case FLOAT4 -> Float.parseFloat(s.trim());
            case FLOAT8 -> Double.parseDouble(s.trim());
            case NUMERIC -> new BigDecimal(s.trim());
            case BYTEA -> bytea(s);
            case DATE -> LocalDate.from(PgTime.INPUT.parse(s.trim()));
            case TIME -> LocalTime.parse(s.trim());
            case TIMESTAMP -> timestamp(s.trim());
            case TIMESTAMPTZ -> timestamptz(s.trim(), zone);
            case UUID -> java.util.UUID.fromString(s.trim());
            default -> s;
        };
    }

    private static Boolean bool(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "t", "true", "y", "yes", "on", "1" -> Boolean.TRUE;
            case "f", "false", "n", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + s + "' is not a boolean");
        };
    }

    private static byte[] bytea(String s) {
        if (s.startsWith("\\x")) {
            int n = (s.length() - 2) / 2;
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = (byte) Integer.parseInt(s.substring(2 + 2 * i, 4 + 2 * i), 16);
            }
            return out;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (c == '\\' && i + 3 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static LocalDateTime timestamp(String s) {
        TemporalAccessor t = PgTime.INPUT.parse(s);
        LocalDateTime local = LocalDateTime.of(LocalDate.from(t),
                t.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(t) : LocalTime.MIDNIGHT);
        return local;
    }

    private static OffsetDateTime timestamptz(String s, java.time.ZoneId zone) {
        TemporalAccessor t = PgTime.INPUT.parse(s);
        LocalDateTime local = timestamp(s);
        ZoneOffset offset = t.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(t)
                : zone.getRules().getOffset(local);
        return OffsetDateTime.of(local, offset);
    }

    private static Object binary(byte[] value, PgType type, int oid) {
        if (type == null) {
            throw new IllegalArgumentException("binary format is not supported for type oid " + oid);
        }
        ByteBuf in = Unpooled.wrappedBuffer(value);
        Object result = switch (type) {
            case BOOL -> in.readByte() != 0;
            case INT2 -> in.readShort();
            case INT4 -> in.readInt();
            case INT8 -> in.readLong();
            case FLOAT4 -> in.readFloat();
            case FLOAT8 -> in.readDouble();
            case NUMERIC -> NumericBinary.read(in);
            case BYTEA -> readAll(in);
            case DATE -> PgTime.fromDays(in.readInt());
            case TIME -> LocalTime.ofNanoOfDay(in.readLong() * 1000);
            case TIMETZ -> java.time.OffsetTime.of(LocalTime.ofNanoOfDay(in.readLong() * 1000),
                    ZoneOffset.ofTotalSeconds(-in.readInt()));
            case TIMESTAMP -> PgTime.fromMicros(in.readLong());
            case TIMESTAMPTZ -> OffsetDateTime.of(PgTime.fromMicros(in.readLong()), ZoneOffset.UTC);
            case UUID -> new java.util.UUID(in.readLong(), in.readLong());
            case TEXT, VARCHAR, BPCHAR, JSON, UNKNOWN -> new String(readAll(in), StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("binary format is not supported for " + type);
        };
        if (in.isReadable()) {
            throw new IllegalArgumentException(in.readableBytes() + " bytes left over");
        }
        return result;
    }

    private static byte[] readAll(ByteBuf in) {
        byte[] b = new byte[in.readableBytes()];
        in.readBytes(b);
        return b;
    }
}
