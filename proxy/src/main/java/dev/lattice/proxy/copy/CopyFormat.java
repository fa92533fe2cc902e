package dev.lattice.proxy.copy;

import java.sql.SQLException;
import java.util.Locale;

/**
 * How COPY's data is written: PostgreSQL's text or CSV format with its options (DELIMITER, NULL,
 * HEADER, QUOTE, ESCAPE), checked as PostgreSQL checks them. FREEZE is accepted and has no effect.
 */
public final class CopyFormat {

    /** HEADER: none, a line to skip or write, or (COPY FROM) a line whose names must match. */
    public enum Header { NONE, PRESENT, MATCH }

    boolean csv;
    Character delimiter;
    String nullString;
    Header header = Header.NONE;
    Character quote;
    Character escape;
    private boolean formatSet;
    private boolean freezeSet;

    public boolean csv() {
        return csv;
    }

    public char delimiter() {
        return delimiter != null ? delimiter : csv ? ',' : '\t';
    }

    public String nullString() {
        return nullString != null ? nullString : csv ? "" : "\\N";
    }

    public Header header() {
        return header;
    }

    public char quote() {
        return quote != null ? quote : '"';
    }

    public char escape() {
        return escape != null ? escape : quote();
    }

    /** One option of either syntax, by its name (upper case) and value (null when given without one). */
    void option(String name, String value) throws SQLException {
        switch (name) {
            case "FORMAT" -> {
                once(formatSet);
                formatSet = true;
                String f = value == null ? "" : value.toLowerCase(Locale.ROOT);
                switch (f) {
                    case "text" -> csv = false;
                    case "csv" -> csv = true;
                    case "binary" -> throw new SQLException("COPY in binary format is not supported by the Lattice"
                            + " proxy over H2; use text or csv", "0A000");
                    default -> throw new SQLException("COPY format \"" + value + "\" not recognized", "22023");
                }
            }
            case "FREEZE" -> {
                once(freezeSet);
                freezeSet = true;
                bool(name, value);
            }
            case "DELIMITER" -> {
                once(delimiter != null);
                delimiter = oneCharacter("COPY delimiter", value);
            }
            case "NULL" -> {
                once(nullString != null);
                nullString = required(name, value);
            }
            case "HEADER" -> {
                once(header != Header.NONE);
                header = value != null && value.equalsIgnoreCase("match") ? Header.MATCH
                        : bool(name, value) ? Header.PRESENT : Header.NONE;
            }
            case "QUOTE" -> {
                once(quote != null);
                quote = oneCharacter("COPY quote", value);
            }
            case "ESCAPE" -> {
                once(escape != null);
                escape = oneCharacter("COPY escape", value);
            }
            case "ENCODING" -> {
                String e = required(name, value).toUpperCase(Locale.ROOT).replace("-", "");
                if (!e.equals("UTF8") && !e.equals("UNICODE") && !e.equals("SQL_ASCII")) {
                    throw new SQLException("COPY ENCODING other than UTF8 is not supported by the Lattice proxy over H2",
                            "0A000");
                }
            }
            case "FORCE_QUOTE", "FORCE_NOT_NULL", "FORCE_NULL" -> throw new SQLException("COPY option "
                    + name.toLowerCase(Locale.ROOT) + " is not supported by the Lattice proxy over H2", "0A000");
            default -> throw new SQLException("option \"" + name.toLowerCase(Locale.ROOT) + "\" not recognized",
                    "42601");
        }
    }

    /** The checks PostgreSQL makes once every option is known (ProcessCopyOptions). */
    void check(boolean from) throws SQLException {
        if (!csv && quote != null) {
            throw new SQLException("COPY quote available only in CSV mode", "0A000");
        }
        if (!csv && escape != null) {
            throw new SQLException("COPY escape available only in CSV mode", "0A000");
        }
        char d = delimiter();
        if (d == '\n' || d == '\r') {
            throw new SQLException("COPY delimiter cannot be newline or carriage return", "22023");
        }
        if (!csv && (d == '\\' || "abcdefghijklmnopqrstuvwxyz0123456789.".indexOf(Character.toLowerCase(d)) >= 0)) {
            throw new SQLException("COPY delimiter cannot be \"" + d + "\"", "22023");
        }
        String n = nullString();
        if (n.indexOf('\n') >= 0 || n.indexOf('\r') >= 0) {
            throw new SQLException("COPY null representation cannot use newline or carriage return", "22023");
        }
        if (n.indexOf(d) >= 0) {
            throw new SQLException("COPY delimiter must not appear in the NULL specification", "22023");
        }
        if (csv && d == quote()) {
            throw new SQLException("COPY delimiter and quote must be different", "22023");
        }
        if (csv && n.indexOf(quote()) >= 0) {
            throw new SQLException("CSV quote character must not appear in the NULL specification", "22023");
        }
        if (header == Header.MATCH && !from) {
            throw new SQLException("cannot use \"match\" with HEADER in COPY TO", "0A000");
        }
    }

    private static void once(boolean set) throws SQLException {
        if (set) {
            throw new SQLException("conflicting or redundant options", "42601");
        }
    }

    private static String required(String name, String value) throws SQLException {
        if (value == null) {
            throw new SQLException(name.toLowerCase(Locale.ROOT) + " requires a parameter", "42601");
        }
        return value;
    }

    private static char oneCharacter(String what, String value) throws SQLException {
        if (value == null || value.length() != 1 || value.charAt(0) > 0x7f) {
            throw new SQLException(what + " must be a single one-byte character", "0A000");
        }
        return value.charAt(0);
    }

    private static boolean bool(String name, String value) throws SQLException {
        if (value == null) {
            return true;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1", "yes" -> true;
            case "false", "off", "0", "no" -> false;
            default -> throw new SQLException(name.toLowerCase(Locale.ROOT) + " requires a Boolean value", "22023");
        };
    }
}
