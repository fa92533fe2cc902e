package dev.lattice.proxy.session;

import dev.lattice.cluster.NodeValues;
import dev.lattice.proxy.types.ArrayBinary;
import dev.lattice.proxy.types.PgType;
import dev.lattice.proxy.types.ServerValues;
import dev.lattice.proxy.types.ValueDecoder;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.PGobject;

/**
 * Bind parameters on their way to a node. Over H2 they are decoded into Java values; over a
 * PostgreSQL node a text parameter goes on as text with the client's type OID (or none, so the
 * server infers it, as it would have for the client), so every PostgreSQL type passes through.
 */
final class NodeParameters {

    /** A text parameter for a PostgreSQL node, of the type the client named (0: let the server infer). */
    record ServerText(int oid, String text) { }

    private NodeParameters() {
    }

    static Object decode(byte[] value, int oid, boolean binary, boolean postgres, java.time.ZoneId zone)
            throws SQLException {
        if (!postgres || value == null) {
            return ValueDecoder.decode(value, oid, binary, zone);
        }
        if (!binary) {
            return new ServerText(oid, new String(value, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (ServerValues.elementOf(oid) != 0) {
            return new ServerText(oid, arrayText(value, oid));
        }
        PgType type = PgType.byOid(oid);
        if (type == null || type == PgType.UNKNOWN) {
            throw new SQLException("binary format is not supported by the Lattice proxy for parameters of type oid "
                    + oid + "; send it in text format", "0A000");
        }
        return ValueDecoder.decode(value, oid, true);
    }

    /** A one-dimensional array in binary format, as the text literal the server reads ({@code {"a",NULL}}). */
    private static String arrayText(byte[] value, int oid) throws SQLException {
        StringBuilder text = new StringBuilder("{");
        for (Object v : ArrayBinary.read(value, oid)) {
            if (text.length() > 1) {
                text.append(',');
            }
            if (v == null) {
                text.append("NULL");
                continue;
            }
            String s = v instanceof byte[] b ? "\\x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(v);
            text.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return text.append('}').toString();
    }

    static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        if (!(value instanceof ServerText t)) {
            NodeValues.set(ps, index, value);
            return;
        }
        if (t.oid() == 0 || t.oid() == PgType.UNKNOWN.oid()) {
            ps.setObject(index, t.text(), Types.OTHER);
            return;
        }
        String name = ps.getConnection().unwrap(BaseConnection.class).getTypeInfo().getPGType(t.oid());
        if (name == null) {
            throw new SQLException("type with OID " + t.oid() + " does not exist", "42704");
        }
        PGobject o = new PGobject();
        o.setType(name);
        o.setValue(t.text());
        ps.setObject(index, o);
    }
}
