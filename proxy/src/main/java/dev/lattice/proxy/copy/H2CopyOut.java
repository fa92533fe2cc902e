package dev.lattice.proxy.copy;

import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.protocol.Outbound;
import dev.lattice.proxy.protocol.Outbound.ClientGoneException;
import dev.lattice.proxy.types.PgType;
import dev.lattice.proxy.types.ValueEncoder;
import dev.lattice.routing.Session;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code COPY table|(query) TO STDOUT} over H2: a read routed by the session's level like any
 * query, its rows written in PostgreSQL's text or CSV format. The rows are read whole before the
 * first is sent, so a read the engine runs again elsewhere (a replica that could not serve it)
 * never sends a row twice.
 */
public final class H2CopyOut {

    private H2CopyOut() {
    }

    /** CopyOutResponse, a CopyData a row, CopyDone; returns the CommandComplete tag. */
    public static String run(Session session, CopyStatement statement, Outbound out, ZoneId zone)
            throws SQLException, ClientGoneException {
        String sql = statement.query() != null ? statement.query() : "SELECT "
                + (statement.columns().isEmpty() ? "*" : String.join(", ", statement.columns())) + " FROM "
                + statement.table();
        CopyFormat format = statement.format();
        Lines lines = session.execute(session.analyze(sql), sql, (node, index) -> {
            try (PreparedStatement ps = node.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                int n = meta.getColumnCount();
                PgType[] types = new PgType[n];
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    types[i] = PgType.of(meta, i + 1);
                    values[i] = meta.getColumnLabel(i + 1);
                }
                List<byte[]> rows = new ArrayList<>();
                if (format.header() != CopyFormat.Header.NONE) {
                    rows.add(line(values, format));
                }
                while (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        values[i] = ValueEncoder.text(rs, i + 1, types[i], zone);
                    }
                    rows.add(line(values, format));
                }
                return new Lines(n, rows, format.header() != CopyFormat.Header.NONE ? rows.size() - 1 : rows.size());
            }
        });
        BackendMessages.copyResponse(out.buf(), 'H', lines.columns);
        for (byte[] line : lines.rows) {
            ByteBuf buf = out.buf();
            int at = BackendMessages.begin(buf, 'd');
            buf.writeBytes(line);
            BackendMessages.end(buf, at);
            out.pushIfLarge();
        }
        BackendMessages.end(out.buf(), BackendMessages.begin(out.buf(), 'c'));
        return "COPY " + lines.count;
    }

    /** One row in the format, with its newline. */
    static byte[] line(String[] values, CopyFormat format) {
        StringBuilder s = new StringBuilder();
        char d = format.delimiter();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(d);
            }
            String v = values[i];
            if (v == null) {
                s.append(format.nullString());
            } else if (format.csv()) {
                csv(s, v, format);
            } else {
                text(s, v, d);
            }
        }
        return s.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void text(StringBuilder s, String v, char delimiter) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append(delimiter == '\t' ? "\\t" : "\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                case '\u000b' -> s.append("\\v");
                default -> {
                    if (c == delimiter) {
                        s.append('\\');
                    }
                    s.append(c);
                }
            }
        }
    }

    /** CSV quotes a value holding the delimiter, a quote, a line break, or equal to the NULL string. */
    private static void csv(StringBuilder s, String v, CopyFormat format) {
        char q = format.quote();
        char esc = format.escape();
        boolean quote = v.equals(format.nullString()) || v.startsWith("\\.");
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == format.delimiter() || c == q || c == '\n' || c == '\r';
        }
        if (!quote) {
            s.append(v);
            return;
        }
        s.append(q);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == q || c == esc && esc != q) {
                s.append(esc);
            }
            s.append(c);
        }
        s.append(q);
    }

    /** The rows read, as CopyData payloads (the header line first when asked for). */
    private record Lines(int columns, List<byte[]> rows, long count) { }
}
