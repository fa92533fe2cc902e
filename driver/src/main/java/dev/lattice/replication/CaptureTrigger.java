package dev.lattice.replication;

import dev.lattice.cluster.EmbeddedSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.h2.api.Trigger;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcLob;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.db.MVPrimaryIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.result.Row;
import org.h2.result.SearchRow;
import org.h2.schema.Schema;
import org.h2.schema.TriggerObject;
import org.h2.table.Table;
import org.h2.value.VersionedValue;

/**
 * The row trigger Lattice installs on every user table of the primary. It runs inside the writing
 * transaction and hands each row change to that session's {@link ChangeCapture} or, on a primary
 * in another process, to {@link CaptureTable}; a write that did not come through Lattice is not
 * replicated. An UPDATE that keeps its row's key is handed over with the row H2 stored (see
 * {@link RowChange#primaryRow}).
 */
public final class CaptureTrigger implements Trigger {

    private String schemaName;
    private String triggerName;
    private volatile Resolved resolved;

    /**
     * The table the trigger is on, as of one version of the schema; with, where H2 keys its rows by
     * a column of theirs and they hold no LOB, the map of its rows and their layout.
     */
    private record Resolved(long schemaVersion, TableId table, MVMap<Long, VersionedValue<SearchRow>> rows,
                            RowLayout layout) {
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
        Resolved r = resolved(conn);
        Object[] before = materialize(oldRow);
        Object[] after = materialize(newRow);
        if (remote) {
            CaptureTable.record(conn, new RowChange(r.table(), op, before, after));
        } else {
            Row stored = op == RowChange.Op.UPDATE ? stored(r, before, after) : null;
            capture.add(stored == null ? new RowChange(r.table(), op, before, after)
                    : new RowChange(r.table(), before, after, stored, r.layout()));
        }
    }

    /**
     * The row an UPDATE that kept its row's key stored, as the primary's H2 stored it, or null. The
     * transaction wrote it and holds it until it ends, so the uncommitted version under the key
     * is its own, and H2 commits that same object.
     */
    private static Row stored(Resolved r, Object[] before, Object[] after) {
        if (r.rows() == null || !(after[r.layout().keyColumn()] instanceof Number key)
                || !Objects.equals(before[r.layout().keyColumn()], key)) {
            return null;
        }
        VersionedValue<SearchRow> version = r.rows().get(key.longValue());
        return version != null && version.getOperationId() != VersionedValue.NO_OPERATION_ID
                && version.getCurrentValue() instanceof Row row && row.getKey() == key.longValue() ? row : null;
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
    private Resolved resolved(Connection conn) throws SQLException {
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
            r = resolve(version, t, session(conn));
            resolved = r;
        }
        return r;
    }

    private static Resolved resolve(long version, Table t, SessionLocal session) {
        TableId id = new TableId(t.getSchema().getName(), t.getName());
        Index scan = t.getScanIndex(session);
        if (!(t instanceof MVTable mv) || mv.getContainsLargeObject() || t.getMainIndexColumn() == SearchRow.ROWID_INDEX
                || !(scan instanceof MVPrimaryIndex primary)) {
            return new Resolved(version, id, null, null);
        }
        return new Resolved(version, id, primary.getMVMap(), RowLayout.of(t));
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
