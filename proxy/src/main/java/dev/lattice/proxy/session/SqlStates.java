package dev.lattice.proxy.session;

import java.sql.SQLException;
import java.util.Map;

/** PostgreSQL SQLSTATEs for the failures H2 names differently, so clients see the codes they test for. */
public final class SqlStates {

    private static final Map<String, String> H2_TO_PG = Map.ofEntries(
            Map.entry("42S02", "42P01"),   // table not found -> undefined_table
            Map.entry("42S01", "42P07"),   // table exists -> duplicate_table
            Map.entry("42S22", "42703"),   // column not found -> undefined_column
            Map.entry("42S12", "42704"),   // index not found -> undefined_object
            Map.entry("42S11", "42P07"),   // index exists -> duplicate_table
            Map.entry("42000", "42601"),   // syntax error
            Map.entry("42001", "42601"),   // syntax error, expected ...
            Map.entry("HY008", "57014"),   // statement canceled -> query_canceled
            Map.entry("90039", "22003"),   // value too large for precision
            Map.entry("HYT00", "55P03"),   // lock timeout -> lock_not_available
            Map.entry("42S21", "42701"),   // duplicate column
            Map.entry("23506", "23503"),   // referenced row missing -> foreign_key_violation
            Map.entry("23513", "23514"));  // check constraint  // lock timeout -> lock_not_available

    private SqlStates() {
    }

    public static String of(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return "XX000";
        }
        return H2_TO_PG.getOrDefault(state, state);
    }
}
