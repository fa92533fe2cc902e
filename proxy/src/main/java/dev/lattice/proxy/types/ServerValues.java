package dev.lattice.proxy.types;

import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Writes one column of a PostgreSQL node's result as a DataRow field. Text goes out exactly as
 * the server wrote it (the node connections use text transfer); binary is encoded by the proxy
 * for the types it knows (the common scalars, oid, and one-dimensional arrays of them: what
 * pgjdbc asks binary for), and refused for the others rather than sent wrong.
 */
public final class ServerValues {

    private static final int OID = 26;

    /** Array type OID to element type OID, for the arrays encoded in binary. */
    private static final Map<Integer, Integer> ARRAYS = Map.ofEntries(
            Map.entry(1000, 16), Map.entry(1001, 17), Map.entry(1005, 21), Map.entry(1007, 23),
            Map.entry(1016, 20), Map.entry(1009, 25), Map.entry(1014, 1042), Map.entry(1015, 1043),
            Map.entry(1021, 700), Map.entry(1022, 701), Map.entry(1028, OID), Map.entry(1231, 1700),
            Map.entry(2951, 2950));

    private ServerValues() {
    }

    /** The element type of an array type the proxy encodes in binary, 0 for any other type. */
    public static int elementOf(int arrayOid) {
        return ARRAYS.getOrDefault(arrayOid, 0);
    }

    /** Whether a column of this type can go out in binary format. */
    public static boolean hasBinary(int oid) {
        PgType t = PgType.byOid(oid);
        return t != null && t.hasBinary() || oid == OID || ARRAYS.containsKey(oid);
    }

    public static void write(ByteBuf out, ResultSet rs, int column, int oid, boolean binary) throws SQLException {
        if (!binary) {
            String text = rs.getString(column);
            if (text == null) {
                out.writeInt(-1);
            } else {
                int at = out.writerIndex();
                out.writeInt(0);
                out.setInt(at, out.writeCharSequence(text, StandardCharsets.UTF_8));
            }
            return;
        }
        PgType t = PgType.byOid(oid);
        if (t != null && t.hasBinary()) {
            ValueEncoder.writeBinary(out, rs, column, t);
        } else if (oid == OID) {
            long v = rs.getLong(column);
            if (rs.wasNull()) {
                out.writeInt(-1);
            } else {
                out.writeInt(4).writeInt((int) v);
            }
        } else if (ARRAYS.containsKey(oid)) {
            array(out, rs.getArray(column), ARRAYS.get(oid));
        } else {
            throw new SQLException("binary format is not supported by the Lattice proxy for type oid " + oid, "0A000");
        }
    }

    private static void array(ByteBuf out, Array array, int elementOid) throws SQLException {
        if (array == null) {
            out.writeInt(-1);
            return;
        }
        Object[] elements = (Object[]) array.getArray();
        int at = out.writerIndex();
        out.writeInt(0);
        boolean nulls = false;
        for (Object e : elements) {
            if (e instanceof Object[]) {
                throw new SQLException("binary format of multidimensional arrays is not supported by the Lattice proxy;"
                        + " ask for it in text format", "0A000");
            }
            nulls |= e == null;
        }
        out.writeInt(elements.length == 0 ? 0 : 1);
        out.writeInt(nulls ? 1 : 0);
        out.writeInt(elementOid);
        if (elements.length > 0) {
            out.writeInt(elements.length);
            out.writeInt(1);
        }
        for (Object e : elements) {
            element(out, e, elementOid);
        }
        out.setInt(at, out.writerIndex() - at - 4);
    }

    private static void element(ByteBuf out, Object e, int oid) throws SQLException {
        if (e == null) {
            out.writeInt(-1);
            return;
        }
        switch (oid) {
            case 16 -> out.writeInt(1).writeByte((Boolean) e ? 1 : 0);
            case 21 -> out.writeInt(2).writeShort(((Number) e).shortValue());
            case 23 -> out.writeInt(4).writeInt(((Number) e).intValue());
            case OID -> out.writeInt(4).writeInt((int) ((Number) e).longValue());
            case 20 -> out.writeInt(8).writeLong(((Number) e).longValue());
            case 700 -> out.writeInt(4).writeFloat(((Number) e).floatValue());
            case 701 -> out.writeInt(8).writeDouble(((Number) e).doubleValue());
            case 2950 -> {
                java.util.UUID u = e instanceof java.util.UUID id ? id : java.util.UUID.fromString(e.toString());
                out.writeInt(16).writeLong(u.getMostSignificantBits()).writeLong(u.getLeastSignificantBits());
            }
            case 1700 -> {
                int at = out.writerIndex();
                out.writeInt(0);
                NumericBinary.write(out, e instanceof BigDecimal d ? d : new BigDecimal(e.toString()));
                out.setInt(at, out.writerIndex() - at - 4);
            }
            case 17 -> {
                byte[] b = (byte[]) e;
                out.writeInt(b.length).writeBytes(b);
            }
            default -> {
                byte[] b = e.toString().getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length).writeBytes(b);
            }
        }
    }
}
