package dev.lattice.proxy.session;

import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.types.PgType;
import io.netty.buffer.ByteBuf;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;

/** The columns of a result as PostgreSQL sees them: names and types, and their RowDescription. */
public record Columns(String[] names, PgType[] types) {

    public static Columns of(ResultSetMetaData meta) throws SQLException {
        int n = meta.getColumnCount();
        String[] names = new String[n];
        PgType[] types = new PgType[n];
        for (int i = 0; i < n; i++) {
            names[i] = fold(meta.getColumnLabel(i + 1));
            types[i] = PgType.of(meta, i + 1);
        }
        return new Columns(names, types);
    }

    public int size() {
        return types.length;
    }

    /** Whether column i goes in binary: no formats = all text, one = for all, else per column. */
    public boolean binary(short[] formats, int i) {
        if (formats == null || formats.length == 0 || !types[i].hasBinary()) {
            return false;
        }
        return (formats.length == 1 ? formats[0] : i < formats.length ? formats[i] : 0) == 1;
    }

    public void writeDescription(ByteBuf out, short[] formats) {
        int at = BackendMessages.begin(out, 'T');
        out.writeShort(types.length);
        for (int i = 0; i < types.length; i++) {
            BackendMessages.cstring(out, names[i]);
            out.writeInt(0);
            out.writeShort(0);
            out.writeInt(types[i].oid());
            out.writeShort(types[i].size());
            out.writeInt(-1);
            out.writeShort(binary(formats, i) ? 1 : 0);
        }
        BackendMessages.end(out, at);
    }

    /** PostgreSQL folds unquoted names to lower case, H2 to upper case; clients expect the former. */
    static String fold(String label) {
        if (label == null || label.isEmpty()) {
            return "?column?";
        }
        for (int i = 0; i < label.length(); i++) {
            if (Character.isLowerCase(label.charAt(i))) {
                return label;
            }
        }
        return label.toLowerCase(Locale.ROOT);
    }
}
