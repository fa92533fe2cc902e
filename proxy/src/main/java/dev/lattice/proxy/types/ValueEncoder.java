package dev.lattice.proxy.types;

import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;

/** Writes one column of the current row of an H2 result as a DataRow field, in text or binary format. */
public final class ValueEncoder {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private ValueEncoder() {
    }

    /** Writes the field's length and bytes (length -1 for NULL). */
    public static void write(ByteBuf out, ResultSet rs, int column, PgType type, boolean binary, ZoneId zone)
            throws SQLException {
        if (binary && type.hasBinary()) {
            writeBinary(out, rs, column, type);
        } else if (type == PgType.INT2 || type == PgType.INT4 || type == PgType.INT8) {
            // The commonest column of a point read: digits straight into the buffer, no String per value.
            long v = rs.getLong(column);
            if (rs.wasNull()) {
                out.writeInt(-1);
            } else {
                out.writeInt(decimalLength(v));
                writeDecimal(out, v);
            }
        } else {
            String text = text(rs, column, type, zone);
            if (text == null) {
                out.writeInt(-1);
            } else {
                int at = out.writerIndex();
                out.writeInt(0);
                int n = out.writeCharSequence(text, StandardCharsets.UTF_8);
                out.setInt(at, n);
            }
        }
    }

    /** How many characters {@link Long#toString(long)} gives for v. */
    static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        for (long a = Math.abs(v); a >= 10; a /= 10) {
            n++;
        }
        return n;
    }

    /** Writes v in decimal, as {@link Long#toString(long)} spells it, without making a String. */
    static void writeDecimal(ByteBuf out, long v) {
        if (v == Long.MIN_VALUE) {
            out.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
            return;
        }
        int length = decimalLength(v);
        int start = out.writerIndex();
        out.ensureWritable(length);
        if (v < 0) {
            out.setByte(start, '-');
            v = -v;
        }
        int at = start + length;
        do {
            out.setByte(--at, (int) ('0' + v % 10));
            v /= 10;
        } while (v != 0);
        out.writerIndex(start + length);
    }

    /** The value in PostgreSQL's text output form, or null for SQL NULL. */
    public static String text(ResultSet rs, int column, PgType type, ZoneId zone) throws SQLException {
        switch (type) {
            case BOOL -> {
                boolean v = rs.getBoolean(column);
                return rs.wasNull() ? null : v ? "t" : "f";
            }
            case INT2, INT4, INT8 -> {
                long v = rs.getLong(column);
                return rs.wasNull() ? null : Long.toString(v);
            }
            case FLOAT4 -> {
                float v = rs.getFloat(column);
                return rs.wasNull() ? null : floatText(Float.toString(v));
            }
            case FLOAT8 -> {
                double v = rs.getDouble(column);
                return rs.wasNull() ? null : floatText(Double.toString(v));
            }
            case NUMERIC -> {
                BigDecimal v = rs.getBigDecimal(column);
                return v == null ? null : v.toPlainString();
            }
            case BYTEA -> {
                byte[] v = rs.getBytes(column);
                return v == null ? null : hex(v);
            }
            case DATE -> {
                LocalDate v = rs.getObject(column, LocalDate.class);
                return v == null ? null : v.toString();
            }
            case TIME -> {
                LocalTime v = rs.getObject(column, LocalTime.class);
                return v == null ? null : PgTime.TIME.format(v);
            }
            case TIMETZ -> {
                OffsetTime v = rs.getObject(column, OffsetTime.class);
                return v == null ? null : PgTime.TIME.format(v) + PgTime.OFFSET.format(v);
            }
            case TIMESTAMP -> {
                LocalDateTime v = rs.getObject(column, LocalDateTime.class);
                return v == null ? null : PgTime.TIMESTAMP.format(v);
            }
            case TIMESTAMPTZ -> {
                OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
                if (v == null) {
                    return null;
                }
                OffsetDateTime local = v.atZoneSameInstant(zone).toOffsetDateTime();
                return PgTime.TIMESTAMP.format(local) + PgTime.OFFSET.format(local);
            }
            case UUID -> {
                Object v = rs.getObject(column);
                return v == null ? null : v.toString();
            }
            default -> {
                Object v = rs.getObject(column);
                return v instanceof java.sql.Array a ? arrayText(a) : v == null ? null : rs.getString(column);
            }
        }
    }

    /** An array in PostgreSQL's text form: {@code {a,"b c",NULL}}. */
    static String arrayText(java.sql.Array array) throws SQLException {
        Object[] elements = (Object[]) array.getArray();
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            Object e = elements[i];
            if (e == null) {
                b.append("NULL");
            } else if (e instanceof java.sql.Array inner) {
                b.append(arrayText(inner));
            } else {
                String text = e instanceof Boolean flag ? (flag ? "t" : "f") : e.toString();
                boolean quote = text.isEmpty() || text.equalsIgnoreCase("NULL");
                for (int k = 0; k < text.length() && !quote; k++) {
                    char c = text.charAt(k);
                    quote = c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' || Character.isWhitespace(c);
                }
                b.append(quote ? '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : text);
            }
        }
        return b.append('}').toString();
    }

    /** Java prints 1.0 and 1.0E10; PostgreSQL prints 1 and 1e+10. */
    static String floatText(String java) {
        if (java.endsWith(".0")) {
            return java.substring(0, java.length() - 2);
        }
        int e = java.indexOf('E');
        if (e < 0) {
            return java;
        }
        String mantissa = java.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        String exponent = java.substring(e + 1);
        return mantissa + "e" + (exponent.startsWith("-") ? exponent : "+" + exponent);
    }

    static String hex(byte[] bytes) {
        byte[] out = new byte[2 + bytes.length * 2];
        out[0] = '\\';
        out[1] = 'x';
        for (int i = 0; i < bytes.length; i++) {
            out[2 + 2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[3 + 2 * i] = HEX[bytes[i] & 0xF];
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    static void writeBinary(ByteBuf out, ResultSet rs, int column, PgType type) throws SQLException {
        switch (type) {
            case BOOL -> {
                boolean v = rs.getBoolean(column);
                if (notNull(out, rs, 1)) {
                    out.writeByte(v ? 1 : 0);
                }
            }
            case INT2 -> {
                short v = rs.getShort(column);
                if (notNull(out, rs, 2)) {
                    out.writeShort(v);
                }
            }
            case INT4 -> {
                int v = rs.getInt(column);
                if (notNull(out, rs, 4)) {
                    out.writeInt(v);
                }
            }
            case INT8 -> {
                long v = rs.getLong(column);
                if (notNull(out, rs, 8)) {
                    out.writeLong(v);
                }
            }
            case FLOAT4 -> {
                float v = rs.getFloat(column);
                if (notNull(out, rs, 4)) {
                    out.writeFloat(v);
                }
            }
            case FLOAT8 -> {
                double v = rs.getDouble(column);
                if (notNull(out, rs, 8)) {
                    out.writeDouble(v);
                }
            }
            case NUMERIC -> {
                BigDecimal v = rs.getBigDecimal(column);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    int at = out.writerIndex();
                    out.writeInt(0);
                    NumericBinary.write(out, v);
                    out.setInt(at, out.writerIndex() - at - 4);
                }
            }
            case BYTEA -> bytes(out, rs.getBytes(column));
            case DATE -> {
                LocalDate v = rs.getObject(column, LocalDate.class);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(4).writeInt(PgTime.days(v));
                }
            }
            case TIME -> {
                LocalTime v = rs.getObject(column, LocalTime.class);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(8).writeLong(PgTime.micros(v));
                }
            }
            case TIMETZ -> {
                OffsetTime v = rs.getObject(column, OffsetTime.class);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(12).writeLong(PgTime.micros(v.toLocalTime())).writeInt(-v.getOffset().getTotalSeconds());
                }
            }
            case TIMESTAMP -> {
                LocalDateTime v = rs.getObject(column, LocalDateTime.class);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(8).writeLong(PgTime.micros(v));
                }
            }
            case TIMESTAMPTZ -> {
                OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(8).writeLong(PgTime.micros(v.atZoneSameInstant(PgTime.utc()).toLocalDateTime()));
                }
            }
            case UUID -> {
                java.util.UUID v = rs.getObject(column, java.util.UUID.class);
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(16).writeLong(v.getMostSignificantBits()).writeLong(v.getLeastSignificantBits());
                }
            }
            default -> {
                String v = rs.getString(column);
                bytes(out, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Writes the length of a fixed-size value and says whether to write it: -1 when it was NULL. */
    private static boolean notNull(ByteBuf out, ResultSet rs, int size) throws SQLException {
        if (rs.wasNull()) {
            out.writeInt(-1);
            return false;
        }
        out.writeInt(size);
        return true;
    }

    private static void bytes(ByteBuf out, byte[] v) {
        if (v == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(v.length).writeBytes(v);
        }
    }
}
