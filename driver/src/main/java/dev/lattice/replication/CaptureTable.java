package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.engine.SessionLocal;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * Row-change capture for a primary in another process (an H2 server): the capture trigger, which
 * runs in the server, cannot reach the Lattice session's memory, so it writes each change into
 * {@code LATTICE.CAPTURED} inside the writing transaction, tagged with the H2 session id. At
 * commit the session reads and deletes its rows in the same transaction. A rollback, or a failed
 * statement, takes its rows away with it. Only sessions that set {@code @LATTICE_CAPTURE} (Lattice's
 * own) are captured.
 */
public final class CaptureTable {

    /** The H2 session variable that marks a Lattice session on a remote primary. */
    static final String MARK = "LATTICE_CAPTURE";
    private static final String INSERT = "INSERT INTO LATTICE.CAPTURED(SESSION_ID, PAYLOAD) VALUES (SESSION_ID(), ?)";

    private CaptureTable() {
    }

    /** Creates the table on the primary if needed. */
    public static void create(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
            s.execute("CREATE TABLE IF NOT EXISTS LATTICE.CAPTURED(SEQ BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "SESSION_ID INT NOT NULL, PAYLOAD VARBINARY NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS LATTICE.CAPTURED_SESSION ON LATTICE.CAPTURED(SESSION_ID, SEQ)");
        }
        if (!primary.getAutoCommit()) {
            primary.commit();
        }
    }

    /** Marks a session's connection to a remote primary as Lattice's, so its writes are captured. */
    public static void mark(Connection remotePrimary) throws SQLException {
        try (Statement s = remotePrimary.createStatement()) {
            s.execute("SET @" + MARK + " = TRUE");
        }
    }

    /** In the trigger: whether this H2 session is a marked Lattice session. */
    static boolean marked(SessionLocal session) {
        Value v = session.getVariable(MARK);
        return v != null && v != ValueNull.INSTANCE;
    }

    /** In the trigger: records one change inside the writing transaction. */
    static void record(Connection triggerConnection, RowChange change) throws SQLException {
        try (PreparedStatement ps = triggerConnection.prepareStatement(INSERT)) {
            ps.setBytes(1, LogCodec.encode(LoggedTransaction.ofChanges(0, 0, List.of(change))));
            ps.executeUpdate();
        }
    }

    /** After DDL: forgets the rows H2 touched doing it (it copies a table to alter it); replaying the DDL makes them. */
    public static void discard(Connection remotePrimary) throws SQLException {
        try (Statement s = remotePrimary.createStatement()) {
            s.executeUpdate("DELETE FROM LATTICE.CAPTURED WHERE SESSION_ID = SESSION_ID()");
        }
    }

    /** At commit: takes the session's captured changes, in order, inside its transaction. */
    public static List<RowChange> drain(Connection remotePrimary) throws SQLException {
        List<RowChange> changes = new ArrayList<>();
        try (Statement s = remotePrimary.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT PAYLOAD FROM LATTICE.CAPTURED WHERE SESSION_ID = SESSION_ID() "
                    + "ORDER BY SEQ")) {
                while (rs.next()) {
                    changes.addAll(LogCodec.decode(0, 0, rs.getBytes(1)).changes());
                }
            }
            if (!changes.isEmpty()) {
                s.executeUpdate("DELETE FROM LATTICE.CAPTURED WHERE SESSION_ID = SESSION_ID()");
            }
        }
        return changes;
    }
}
