package dev.lattice.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Puts the {@link CaptureTrigger} on every user base table of the primary that lacks it. */
public final class TriggerInstaller {

    static final String TRIGGER_CLASS = CaptureTrigger.class.getName();
    static final String TRIGGER_PREFIX = "LATTICE_CAPTURE_";
    private static final String MISSING = "SELECT T.TABLE_SCHEMA, T.TABLE_NAME FROM INFORMATION_SCHEMA.TABLES T "
            + "WHERE T.TABLE_TYPE = 'BASE TABLE' AND UPPER(T.TABLE_SCHEMA) NOT IN ('INFORMATION_SCHEMA', 'LATTICE', 'PG_CATALOG') "
            + "AND NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TRIGGERS G WHERE G.EVENT_OBJECT_SCHEMA = T.TABLE_SCHEMA "
            + "AND G.EVENT_OBJECT_TABLE = T.TABLE_NAME AND G.JAVA_CLASS = '" + TRIGGER_CLASS + "')";

    private TriggerInstaller() {
    }

    /** Installs missing triggers; returns how many it created. */
    public static int installMissing(Connection primary) throws SQLException {
        List<TableId> missing = new ArrayList<>();
        try (Statement s = primary.createStatement(); ResultSet rs = s.executeQuery(MISSING)) {
            while (rs.next()) {
                missing.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        try (Statement s = primary.createStatement()) {
            for (TableId table : missing) {
                String trigger = TableId.quote(table.schema()) + "." + TableId.quote(TRIGGER_PREFIX + table.name());
                s.execute("CREATE TRIGGER IF NOT EXISTS " + trigger + " AFTER INSERT, UPDATE, DELETE ON "
                        + table.quoted() + " FOR EACH ROW CALL '" + TRIGGER_CLASS + "'");
            }
        }
        return missing.size();
    }

    /** Whether a line of H2's SCRIPT output creates one of Lattice's capture triggers. */
    static boolean isCaptureTrigger(String scriptLine) {
        return scriptLine.startsWith("CREATE") && scriptLine.contains(TRIGGER_CLASS);
    }
}
