package dev.lattice.replication;

import dev.lattice.cluster.EmbeddedSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcLob;
import org.h2.schema.Schema;
import org.h2.schema.TriggerObject;
import org.h2.table.Table;

/**
 * The row trigger Lattice installs on every user table of the primary. It runs inside the writing
 * transaction and hands each row change to that session's {@link ChangeCapture} or, on a primary
 * in another process, to {@link CaptureTable}; a write that did not come through Lattice is not
 * replicated.
 */
public final class CaptureTrigger implements Trigger {

    private String schemaName;
    private String triggerName;
    private volatile Resolved resolved;

    /** The table the trigger is on, as of one version of the schema. */
    private record Resolved(long schemaVersion, TableId table) {
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName,
                     boolean before, int type) {
        this.schemaName = schemaName;
        this.triggerName = triggerName;
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        ChangeCapture capture = CaptureRegistry.lookup(conn);
        boolean remote = capture == null && CaptureTable.marked(session(conn));
        if (capture == null && !remote) {
            return;
        }
        RowChange.Op op = oldRow == null ? RowChange.Op.INSERT
                : newRow == null ? RowChange.Op.DELETE : RowChange.Op.UPDATE;
        RowChange change = new RowChange(table(conn), op, materialize(oldRow), materialize(newRow));
        if (remote) {
            CaptureTable.record(conn, change);
        } else {
            capture.add(change);
        }
    }

    private static SessionLocal session(Connection conn) throws SQLException {
        return EmbeddedSession.of(conn);
    }

    /**
     * The table's current name. To alter a table H2 copies it with its triggers under temporary
     * names and renames both afterwards without telling the trigger, so the names given to init
     * go stale: look the trigger up again whenever the schema has changed, by the name it was
     * given or, once renamed back, by Lattice's own name for it.
     */
    private TableId table(Connection conn) throws SQLException {
        Database database = session(conn).getDatabase();
        long version = database.getModificationMetaId();
        Resolved r = resolved;
        if (r == null || r.schemaVersion() != version) {
            Schema schema = database.getSchema(schemaName);
            TriggerObject trigger = schema.findTrigger(triggerName);
            int own = triggerName.indexOf(TriggerInstaller.TRIGGER_PREFIX);
            if (trigger == null && own > 0) {
                trigger = schema.findTrigger(triggerName.substring(own));
            }
            if (trigger == null) {
                throw new SQLException("Lattice's capture trigger " + triggerName + " has disappeared", "XX000");
            }
            Table t = trigger.getTable();
            r = new Resolved(version, new TableId(t.getSchema().getName(), t.getName()));
            resolved = r;
        }
        return r.table();
    }

    /**
     * LOB handles die with the H2 session: copy their content while the transaction is open. H2
     * hands LOBs over as its JdbcLob classes; testing that class first keeps the interface checks
     * (slow for Long and String on JDK 17, JDK-8180450) off every other value.
     */
    private static Object[] materialize(Object[] row) throws SQLException {
        if (row == null) {
            return null;
        }
        for (int i = 0; i < row.length; i++) {
            Object value = row[i];
            if (!(value instanceof JdbcLob)) {
                continue;
            }
            if (value instanceof Blob blob) {
                row[i] = readAll(blob);
            } else if (value instanceof Clob clob) {
                row[i] = readAll(clob);
            }
        }
        return row;
    }

    private static byte[] readAll(Blob blob) throws SQLException {
        try (InputStream in = blob.getBinaryStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SQLException("Cannot read a BLOB to replicate it", "22000", e);
        }
    }

    private static String readAll(Clob clob) throws SQLException {
        StringBuilder out = new StringBuilder();
        char[] buffer = new char[8192];
        try (Reader in = clob.getCharacterStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.append(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new SQLException("Cannot read a CLOB to replicate it", "22000", e);
        }
        return out.toString();
    }
}
