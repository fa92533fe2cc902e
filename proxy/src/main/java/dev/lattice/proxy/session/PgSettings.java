package dev.lattice.proxy.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.h2.tools.SimpleResultSet;

/**
 * The PostgreSQL session settings clients send and read (application_name, extra_float_digits,
 * DateStyle, TimeZone, ...): H2 knows none of them, so the proxy keeps them per session,
 * answers SET, RESET and SHOW for them, and reports the ones PostgreSQL reports.
 */
public final class PgSettings {

    /** What the proxy says it is: pgjdbc and psql pick their features by it. */
    public static final String SERVER_VERSION = "15.0 (Lattice)";

    /** Settings by lower-case name: PostgreSQL's spelling and default value. */
    private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        known("application_name", "");
        known("client_encoding", "UTF8");
        known("DateStyle", "ISO, MDY");
        known("TimeZone", ZoneId.systemDefault().getId());
        known("IntervalStyle", "postgres");
        known("extra_float_digits", "1");
        known("standard_conforming_strings", "on");
        known("integer_datetimes", "on");
        known("server_version", SERVER_VERSION);
        known("server_version_num", "150000");
        known("server_encoding", "UTF8");
        known("is_superuser", "on");
        known("session_authorization", "");
        known("role", "none");
        known("search_path", "\"$user\", public");
        known("statement_timeout", "0");
        known("lock_timeout", "0");
        known("idle_in_transaction_session_timeout", "0");
        known("client_min_messages", "notice");
        known("bytea_output", "hex");
        known("synchronous_commit", "on");
        known("jit", "off");
        known("row_security", "on");
        known("escape_string_warning", "on");
        known("lc_messages", "C");
        known("lc_monetary", "C");
        known("lc_numeric", "C");
        known("lc_time", "C");
        known("default_transaction_isolation", "read committed");
        known("transaction_isolation", "read committed");
        known("max_identifier_length", "63");
        known("default_transaction_read_only", "off");
        known("transaction_read_only", "off");
        known("in_hot_standby", "off");
        known("max_index_keys", "32");
        known("block_size", "8192");
    }

    /** Reported to the client in ParameterStatus at start-up and whenever they change. */
    static final String[] REPORTED = {"application_name", "client_encoding", "DateStyle", "TimeZone",
        "IntervalStyle", "integer_datetimes", "is_superuser", "server_encoding", "server_version",
        "session_authorization", "standard_conforming_strings", "in_hot_standby"};

    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("integer_datetimes", "server_version",
            "server_version_num", "server_encoding", "max_identifier_length", "in_hot_standby", "is_superuser",
            "transaction_read_only", "max_index_keys", "block_size");

    private static void known(String name, String value) {
        KNOWN.put(name.toLowerCase(Locale.ROOT), new String[] {name, value});
    }

    /** What SET/RESET/SHOW of a known setting did: rows for SHOW, and a parameter to report. */
    public record Outcome(String tag, ResultSet rows, String reportName, String reportValue) { }

    private final Map<String, String> values = new LinkedHashMap<>();
    private ZoneId zone = ZoneId.systemDefault();

    public PgSettings(String user) {
        values.put("session_authorization", user);
    }

    /** The zone timestamptz values are shown in (TimeZone). */
    public ZoneId zone() {
        return zone;
    }

    public String get(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        String v = values.get(key);
        return v != null ? v : KNOWN.get(key)[1];
    }

    /** Every setting the proxy knows, by PostgreSQL's spelling, with its value in this session. */
    public Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>();
        for (String[] known : KNOWN.values()) {
            all.put(known[0], get(known[0]));
        }
        return all;
    }

    /** The setting's value, or null when the proxy knows no such setting. */
    public String find(String name) {
        return KNOWN.containsKey(name.toLowerCase(Locale.ROOT)) ? get(name) : null;
    }

    /** Applies a start-up parameter when it names a known setting; others are ignored. */
    public void startup(String name, String value) {
        if (KNOWN.containsKey(name.toLowerCase(Locale.ROOT)) && !READ_ONLY.contains(name.toLowerCase(Locale.ROOT))) {
            try {
                set(name, value);
            } catch (SQLException ignored) {
                // a start-up value we cannot honour keeps the default, as the reported value says
            }
        }
    }

    /** Whether the statement is a SET, RESET or SHOW of a setting this class answers. */
    public static boolean recognizes(String sql) {
        SettingStatement st = SettingStatement.parse(sql);
        if (st == null) {
            return false;
        }
        return switch (st.form()) {
            case TIME_ZONE, NAMES -> true;
            case SET -> isKnown(st.name());
            case RESET -> isKnown(st.name()) || st.name().equalsIgnoreCase("all");
            case SHOW -> isKnown(st.name()) || st.name().equalsIgnoreCase("transaction isolation level")
                    || st.name().equalsIgnoreCase("time zone") || st.name().equalsIgnoreCase("all");
        };
    }

    private static boolean isKnown(String name) {
        return KNOWN.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Runs a statement that {@link #recognizes} accepted. */
    public Outcome execute(String sql) throws SQLException {
        SettingStatement st = SettingStatement.parse(sql);
        if (st == null) {
            throw new SQLException("syntax error in " + sql, "42601");
        }
        switch (st.form()) {
            case TIME_ZONE -> {
                return set("TimeZone", st.value());
            }
            case NAMES -> {
                return set("client_encoding", st.value());
            }
            case RESET -> {
                if (st.name().equalsIgnoreCase("all")) {
                    values.keySet().removeIf(k -> !k.equals("session_authorization"));
                    zone = ZoneId.systemDefault();
                    return new Outcome("RESET", null, null, null);
                }
                return set(st.name(), "DEFAULT");
            }
            case SHOW -> {
                return show(st.name());
            }
            default -> {
                return set(st.name(), st.value());
            }
        }
    }

    private Outcome show(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        SimpleResultSet rs = new SimpleResultSet();
        if (lower.equals("all")) {
            rs.addColumn("name", Types.VARCHAR, 256, 0);
            rs.addColumn("setting", Types.VARCHAR, 256, 0);
            for (String[] known : KNOWN.values()) {
                rs.addRow(known[0], get(known[0]));
            }
            return new Outcome("SHOW", rs, null, null);
        }
        String key = lower.equals("transaction isolation level") ? "transaction_isolation"
                : lower.equals("time zone") ? "timezone" : lower;
        rs.addColumn(key.equals("timezone") ? "TimeZone" : key, Types.VARCHAR, 256, 0);
        rs.addRow(get(key));
        return new Outcome("SHOW", rs, null, null);
    }

    private Outcome set(String name, String rawValue) throws SQLException {
        String key = name.toLowerCase(Locale.ROOT);
        String[] known = KNOWN.get(key);
        if (READ_ONLY.contains(key)) {
            throw new SQLException("parameter \"" + name + "\" cannot be changed", "55P02");
        }
        String value = unquote(rawValue);
        boolean reset = value.equalsIgnoreCase("default") && !rawValue.startsWith("'");
        if (reset) {
            values.remove(key);
            value = known[1];
        }
        switch (key) {
            case "client_encoding" -> {
                String enc = value.toUpperCase(Locale.ROOT).replace("-", "");
                if (!enc.equals("UTF8") && !enc.equals("UNICODE") && !enc.equals("SQL_ASCII")) {
                    throw new SQLException("Lattice speaks UTF8 only; client_encoding " + value + " is not supported",
                            "22023");
                }
                value = "UTF8";
            }
            case "datestyle" -> {
                if (!value.toUpperCase(Locale.ROOT).startsWith("ISO")) {
                    throw new SQLException("Lattice supports DateStyle ISO only, not " + value, "22023");
                }
                value = "ISO, MDY";
            }
            case "timezone" -> {
                zone = zone(value);
                value = value.equalsIgnoreCase("local") ? ZoneId.systemDefault().getId() : value;
            }
            case "role" -> {
                // SET ROLE: a session may take only its own role (Flyway restores it after each migration)
                if (!value.equalsIgnoreCase("none") && !value.equals(values.get("session_authorization"))) {
                    throw new SQLException("permission denied to set role \"" + value + "\"", "42501");
                }
            }
            case "standard_conforming_strings" -> {
                if (!value.equalsIgnoreCase("on")) {
                    throw new SQLException("Lattice supports standard_conforming_strings on only", "22023");
                }
            }
            default -> {
            }
        }
        if (!reset) {
            values.put(key, value);
        }
        boolean reported = false;
        for (String r : REPORTED) {
            reported |= r.equals(known[0]);
        }
        return new Outcome(reset && rawValue.equalsIgnoreCase("default") && !name.isEmpty() ? "RESET" : "SET", null,
                reported ? known[0] : null, reported ? value : null);
    }

    private static ZoneId zone(String value) throws SQLException {
        if (value.equalsIgnoreCase("local") || value.equalsIgnoreCase("default")) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            try {
                return ZoneId.of(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeException again) {
                throw new SQLException("invalid value for parameter \"TimeZone\": \"" + value + "\"", "22023");
            }
        }
    }

    private static String unquote(String v) {
        String s = v.strip();
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        return s;
    }
}
