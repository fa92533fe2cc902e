package dev.lattice.proxy.session;

import dev.lattice.proxy.catalog.CatalogTypes;
import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.types.PgType;
import dev.lattice.proxy.types.ServerValues;
import dev.lattice.proxy.types.ValueEncoder;
import io.netty.buffer.ByteBuf;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.Locale;
import org.postgresql.jdbc.PgResultSet;

/**
 * The columns of a result as PostgreSQL sees them: names and type OIDs, and their RowDescription.
 * Over H2 the proxy maps each JDBC type onto a PostgreSQL type; over a PostgreSQL node
 * ({@code server}) the OIDs are the server's own and values go out in the server's text form.
 *
 * @param types the proxy's type of each column, null where it knows none (a server's own type)
 */
public record Columns(String[] names, PgType[] types, int[] oids, boolean server) {

    public static Columns of(ResultSetMetaData meta) throws SQLException {
        int n = meta.getColumnCount();
        String[] names = new String[n];
        PgType[] types = new PgType[n];
        int[] oids = new int[n];
        for (int i = 0; i < n; i++) {
            names[i] = fold(meta.getColumnLabel(i + 1));
            types[i] = PgType.of(meta, i + 1);
            oids[i] = meta.getColumnType(i + 1) == java.sql.Types.ARRAY ? arrayOid(meta.getColumnTypeName(i + 1))
                    : types[i].oid();
        }
        return new Columns(names, types, oids, false);
    }

    /** The columns of a result: a PostgreSQL node's keep their real OIDs, read from what pgjdbc already holds. */
    public static Columns of(ResultSet rs) throws SQLException {
        if (!rs.isWrapperFor(PgResultSet.class)) {
            return of(rs.getMetaData());
        }
        PgResultSet pg = rs.unwrap(PgResultSet.class);
        ResultSetMetaData meta = rs.getMetaData();
        int[] oids = new int[meta.getColumnCount()];
        for (int i = 0; i < oids.length; i++) {
            oids[i] = pg.getColumnOID(i + 1);
        }
        return server(meta, oids);
    }

    /** Columns of a PostgreSQL node's statement, with the OIDs it described. */
    static Columns server(ResultSetMetaData meta, int[] oids) throws SQLException {
        String[] names = new String[oids.length];
        PgType[] types = new PgType[oids.length];
        for (int i = 0; i < oids.length; i++) {
            String label = meta.getColumnLabel(i + 1);
            names[i] = label == null || label.isEmpty() ? "?column?" : label;
            types[i] = PgType.byOid(oids[i]);
        }
        return new Columns(names, types, oids, true);
    }

    /**
     * An H2 array column ({@code CHARACTER VARYING ARRAY}) as PostgreSQL's array type ({@code text[]}, 1009),
     * so pgjdbc's {@code getArray} knows its elements; its values go out in the text form {@code {…}}.
     */
    private static int arrayOid(String h2TypeName) {
        String element = h2TypeName == null ? "" : h2TypeName.strip();
        if (element.toUpperCase(Locale.ROOT).endsWith(" ARRAY")) {
            element = element.substring(0, element.length() - " ARRAY".length()).strip();
        }
        int paren = element.indexOf('(');
        return CatalogTypes.oid("array", null, paren < 0 ? element : element.substring(0, paren).strip());
    }

    public int size() {
        return oids.length;
    }

    /** Whether column i goes in binary: no formats = all text, one = for all, else per column. */
    public boolean binary(short[] formats, int i) {
        if (formats == null || formats.length == 0) {
            return false;
        }
        boolean asked = (formats.length == 1 ? formats[0] : i < formats.length ? formats[i] : 0) == 1;
        if (server) {
            return asked;
        }
        // an array column's OID is not its PgType's: arrays go out in text form only
        return asked && types[i].hasBinary() && oids[i] == types[i].oid();
    }

    /** A server's column asked for in binary must be one the proxy can encode: never send wrong bytes. */
    public void checkFormats(short[] formats) throws SQLException {
        if (!server || formats == null || formats.length == 0) {
            return;
        }
        for (int i = 0; i < oids.length; i++) {
            if (binary(formats, i) && !ServerValues.hasBinary(oids[i])) {
                throw new SQLException("binary format is not supported by the Lattice proxy for column \"" + names[i]
                        + "\" (type oid " + oids[i] + "); ask for it in text format", "0A000");
            }
        }
    }

    /** Writes the DataRow field of column i (0-based) of the current row. */
    public void write(ByteBuf out, ResultSet rs, int i, short[] formats, ZoneId zone) throws SQLException {
        if (server) {
            ServerValues.write(out, rs, i + 1, oids[i], binary(formats, i));
        } else {
            ValueEncoder.write(out, rs, i + 1, types[i], binary(formats, i), zone);
        }
    }

    public void writeDescription(ByteBuf out, short[] formats) {
        int at = BackendMessages.begin(out, 'T');
        out.writeShort(oids.length);
        for (int i = 0; i < oids.length; i++) {
            BackendMessages.cstring(out, names[i]);
            out.writeInt(0);
            out.writeShort(0);
            out.writeInt(oids[i]);
            out.writeShort(types[i] == null ? -1 : types[i].size());
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
