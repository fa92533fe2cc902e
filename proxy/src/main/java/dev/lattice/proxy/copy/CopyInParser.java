package dev.lattice.proxy.copy;

import dev.lattice.proxy.protocol.ProtocolException;
import dev.lattice.proxy.protocol.Utf8;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * COPY FROM STDIN's data, however the client cut it into CopyData messages, as rows of fields
 * (null for SQL NULL) in PostgreSQL's text format (backslash escapes, {@code \N}) or CSV (quotes,
 * values over several lines). One pass over each byte; {@code \.} alone on a line ends the data.
 * A line (a CSV record) longer than {@link #MAX_LINE} bytes is refused with 54000, so a client
 * that never sends a newline cannot fill the proxy's memory.
 */
final class CopyInParser {

    /** Receives each row with the line it starts on. */
    interface Rows {
        void row(List<String> fields, long line) throws SQLException;
    }

    static final int MAX_LINE = 64 << 20;

    private final CopyFormat format;
    private final String tableName;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** CSV: the lines of a quoted value that goes on past the end of a line. */
    private final StringBuilder record = new StringBuilder();
    private long line;
    private long recordLine;
    private boolean ended;

    CopyInParser(CopyFormat format, String tableName) {
        this.format = format;
        this.tableName = tableName;
    }

    long line() {
        return line;
    }

    void feed(byte[] data, Rows rows) throws SQLException {
        int start = 0;
        for (int i = 0; i < data.length && !ended; i++) {
            if (data[i] == '\n') {
                pending.write(data, start, i - start);
                start = i + 1;
                line(rows);
            }
        }
        if (!ended) {
            pending.write(data, start, data.length - start);
            if (pending.size() + record.length() > MAX_LINE) {
                throw new CopyException(new SQLException("COPY line longer than " + (MAX_LINE >> 20) + " MB",
                        "54000"), "COPY " + tableName + ", line " + (line + 1));
            }
        }
    }

    /** CopyDone: a last line without its newline is a line too; a CSV value left open is an error. */
    void finish(Rows rows) throws SQLException {
        if (!ended && pending.size() > 0) {
            line(rows);
        }
        if (!ended && record.length() > 0) {
            throw new CopyException(new SQLException("unterminated CSV quoted field", "22P04"),
                    "COPY " + tableName + ", line " + recordLine);
        }
    }

    private void line(Rows rows) throws SQLException {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        line++;
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        try {
            Utf8.check(bytes);
        } catch (ProtocolException e) {
            throw new CopyException(new SQLException(e.getMessage(), e.sqlState()), "COPY " + tableName + ", line "
                    + line);
        }
        String text = new String(bytes, 0, n, StandardCharsets.UTF_8);
        if (!format.csv()) {
            if (text.equals("\\.")) {
                ended = true;
                return;
            }
            rows.row(textFields(text), line);
            return;
        }
        if (record.length() == 0) {
            if (text.equals("\\.")) {
                ended = true;
                return;
            }
            recordLine = line;
        } else {
            record.append('\n');
        }
        record.append(text);
        List<String> fields = csvFields(record);
        if (fields != null) {
            record.setLength(0);
            rows.row(fields, recordLine);
        }
    }

    /** A line of the text format: fields split at unescaped delimiters, compared to NULL before decoding. */
    private List<String> textFields(String text) throws SQLException {
        char d = format.delimiter();
        String nullString = format.nullString();
        List<String> fields = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || text.charAt(i) == d) {
                String raw = text.substring(start, i);
                fields.add(raw.equals(nullString) ? null : unescape(raw));
                start = i + 1;
            } else if (text.charAt(i) == '\\') {
                i++;
            }
        }
        return fields;
    }

    private String unescape(String raw) throws SQLException {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int n = raw.length();
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= n) {
                throw new CopyException(new SQLException("end-of-copy marker corrupt", "22P04"),
                        "COPY " + tableName + ", line " + line);
            }
            char e = raw.charAt(i);
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x' -> {
                    int j = i + 1;
                    while (j < n && j < i + 3 && Character.digit(raw.charAt(j), 16) >= 0) {
                        j++;
                    }
                    if (j == i + 1) {
                        out.append('x');
                    } else {
                        out.append((char) Integer.parseInt(raw, i + 1, j, 16));
                        i = j - 1;
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i;
                        while (j < n && j < i + 3 && raw.charAt(j) >= '0' && raw.charAt(j) <= '7') {
                            j++;
                        }
                        out.append((char) (Integer.parseInt(raw, i, j, 8) & 0xFF));
                        i = j - 1;
                    } else {
                        out.append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The fields of a CSV record, or null while a quoted value is still open at its end. */
    private List<String> csvFields(CharSequence text) {
        char d = format.delimiter();
        char q = format.quote();
        char esc = format.escape();
        String nullString = format.nullString();
        List<String> fields = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        int n = text.length();
        for (int i = 0; i <= n; i++) {
            if (i == n) {
                if (inQuotes) {
                    return null;
                }
                fields.add(!quoted && value.toString().equals(nullString) ? null : value.toString());
                break;
            }
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == esc && i + 1 < n && (text.charAt(i + 1) == q || text.charAt(i + 1) == esc) && esc != q) {
                    value.append(text.charAt(++i));
                } else if (c == q) {
                    if (esc == q && i + 1 < n && text.charAt(i + 1) == q) {
                        value.append(q);
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    value.append(c);
                }
            } else if (c == q) {
                inQuotes = true;
                quoted = true;
            } else if (c == d) {
                fields.add(!quoted && value.toString().equals(nullString) ? null : value.toString());
                value.setLength(0);
                quoted = false;
            } else {
                value.append(c);
            }
        }
        return fields;
    }
}
