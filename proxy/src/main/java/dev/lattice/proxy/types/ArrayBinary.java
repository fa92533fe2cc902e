package dev.lattice.proxy.types;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.sql.SQLException;

/**
 * A one-dimensional array parameter in PostgreSQL's binary format (as pgjdbc sends
 * {@code setArray}): dimensions, a has-nulls flag, the element type, length and lower bound,
 * then each element as its type's binary value, decoded into Java values.
 */
public final class ArrayBinary {

    private ArrayBinary() {
    }

    /** The elements (null for NULL) of an array of this array type OID. */
    public static Object[] read(byte[] value, int oid) throws SQLException {
        int expected = ServerValues.elementOf(oid);
        try {
            ByteBuf in = Unpooled.wrappedBuffer(value);
            int dimensions = in.readInt();
            in.readInt(); // has-nulls flag
            int element = in.readInt();
            if (dimensions == 0) {
                return new Object[0];
            }
            if (dimensions != 1 || element != expected) {
                throw new SQLException("binary format of multidimensional arrays (or of an array of type oid " + element
                        + ") is not supported by the Lattice proxy; send it in text format", "0A000");
            }
            int length = in.readInt();
            in.readInt(); // lower bound
            if (length < 0 || length > in.readableBytes() / 4) {
                throw new SQLException("invalid binary array parameter: " + length + " elements", "22P03");
            }
            Object[] elements = new Object[length];
            for (int i = 0; i < length; i++) {
                int size = in.readInt();
                if (size >= 0) {
                    byte[] bytes = new byte[size];
                    in.readBytes(bytes);
                    elements[i] = ValueDecoder.decode(bytes, element, true);
                }
            }
            if (in.isReadable()) {
                throw new SQLException("invalid binary array parameter: " + in.readableBytes() + " bytes left over",
                        "22P03");
            }
            return elements;
        } catch (IndexOutOfBoundsException e) {
            throw new SQLException("invalid binary array parameter: " + e.getMessage(), "22P03", e);
        }
    }
}
