package dev.lattice.replication;

import dev.lattice.cluster.EmbeddedSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.index.Cursor;
import org.h2.index.Index;
import org.h2.message.DbException;
import org.h2.mvstore.CursorPos;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.Page;
import org.h2.mvstore.db.MVDelegateIndex;
import org.h2.mvstore.db.MVPrimaryIndex;
import org.h2.mvstore.db.MVSecondaryIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.result.LocalResult;
import org.h2.result.Row;
import org.h2.result.SearchRow;
import org.h2.schema.Schema;
import org.h2.table.Column;
import org.h2.table.IndexColumn;
import org.h2.table.Table;
import org.h2.value.ExtTypeInfoRow;
import org.h2.value.TypeInfo;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueRow;
import org.h2.value.ValueToObjectConverter;
import org.h2.value.VersionedValue;

/**
 * Installs a captured row change into an embedded H2 replica's table below SQL: the row is found
 * by its primary key (in a table without one, by all its values, as SQL's IS NOT DISTINCT FROM
 * would: through an index where the table has one) and written through the table's indexes in
 * the applier's open transaction, as H2's own UPDATE, INSERT and DELETE do after parsing and
 * planning, at about half their cost. A computed column takes the value the primary computed, and
 * LOBs are compared by content. Not for a table with a GEOMETRY or JAVA_OBJECT column, or a LOB inside
 * an array or row: those are applied with SQL. Triggers and foreign keys are not run here: the
 * log already holds every row change they made on the primary (run again, a trigger would make its
 * changes twice on the replica).
 *
 * <p>Where the row's key is the column H2 keys rows by and the table has no other index, UPDATEs
 * that keep the key can also be written committed in place ({@link #applyInPlace}), a run of them
 * at once: straight into the primary index's map, with no undo log and nothing for a commit to do,
 * as H2 itself writes rows when it builds an index. That is about half the cost of writing them in a
 * transaction and committing it, and a run copies each page of the map once, not once per row; the
 * applier decides when readers may see them.
 */
final class DirectApply implements TableApply {

    /**
     * Column types whose captured Java values convert to H2's value exactly as a JDBC parameter of
     * the SQL apply would (a LOB is captured as its bytes or text, JSON as its text's bytes, an
     * array as an Object[]).
     */
    private static final Set<Integer> DIRECT = Set.of(Value.CHAR, Value.VARCHAR, Value.VARCHAR_IGNORECASE,
            Value.BINARY, Value.VARBINARY, Value.BOOLEAN, Value.TINYINT, Value.SMALLINT, Value.INTEGER,
            Value.BIGINT, Value.NUMERIC, Value.REAL, Value.DOUBLE, Value.DECFLOAT, Value.DATE, Value.TIME,
            Value.TIME_TZ, Value.TIMESTAMP, Value.TIMESTAMP_TZ, Value.UUID, Value.ENUM, Value.CLOB, Value.BLOB,
            Value.JSON, Value.ARRAY, Value.ROW, Value.INTERVAL_YEAR, Value.INTERVAL_MONTH, Value.INTERVAL_DAY,
            Value.INTERVAL_HOUR, Value.INTERVAL_MINUTE, Value.INTERVAL_SECOND, Value.INTERVAL_YEAR_TO_MONTH,
            Value.INTERVAL_DAY_TO_HOUR, Value.INTERVAL_DAY_TO_MINUTE, Value.INTERVAL_DAY_TO_SECOND,
            Value.INTERVAL_HOUR_TO_MINUTE, Value.INTERVAL_HOUR_TO_SECOND, Value.INTERVAL_MINUTE_TO_SECOND);

    /** Tests only: false applies every table with SQL, as before this class. */
    static volatile boolean enabled = true;

    private final SessionLocal session;
    private final TableId id;
    private final Column[] columns;
    private final TypeInfo[] types;
    /**
     * Whether the values this table's rows convert to may serve other replicas: not with a LOB
     * column, whose value may be stored in this replica's own LOB storage.
     */
    private final boolean shares;
    /** The columns a row is found by: its primary key's, or all of them. */
    private final int[] key;
    /** The primary-key index, or (no primary key) the index a row is looked for through. */
    private final Index lookup;
    /** Whether the key is the primary key: else every column is compared. */
    private final boolean keyed;
    private final Table table;
    /** The column H2 keys the table's rows by, or ROWID_INDEX when it keys them by a hidden row id. */
    private final int mainColumn;
    /**
     * Whether the primary key is the column H2 keys rows by and the table has no other index: an
     * UPDATE that keeps the key then writes the row by its key without reading it first.
     */
    private final boolean byKeyAlone;
    /**
     * The primary index's map, where an UPDATE that keeps the key is written in place; null when it
     * is not (or the database is not in memory).
     */
    private final MVMap<Long, VersionedValue<SearchRow>> inPlace;
    private final CommittedRun run = new CommittedRun();
    private final RowLayout layout;
    /** The primary's layout last found to be this table's ({@link #storesPrimaryRow}), or null. */
    private RowLayout primaryLayout;

    private DirectApply(SessionLocal session, TableId id, Table table, Index lookup, boolean keyed, int[] key) {
        this.session = session;
        this.id = id;
        this.table = table;
        this.columns = table.getColumns();
        this.types = new TypeInfo[columns.length];
        for (int i = 0; i < columns.length; i++) {
            types[i] = columns[i].getType();
        }
        boolean lob = ((MVTable) table).getContainsLargeObject();
        this.shares = !lob;
        this.lookup = lookup;
        this.keyed = keyed;
        this.key = key;
        this.mainColumn = table.getMainIndexColumn();
        // a LOB the row held must be found to be released: the row is read first
        this.byKeyAlone = keyed && key.length == 1 && key[0] == mainColumn && onlyPrimaryIndex(table) && !lob;
        this.layout = new RowLayout(types, mainColumn);
        Index scan = table.getScanIndex(session);
        // in memory only: a store with a file would also have to be told which pages a run replaced
        this.inPlace = byKeyAlone && scan instanceof MVPrimaryIndex primary
                && primary.getMVMap().getStore().getFileStore() == null ? primary.getMVMap() : null;
    }

    /** Whether every index of the table is its primary index (the rows, or the key that delegates to them). */
    private static boolean onlyPrimaryIndex(Table table) {
        for (Index index : table.getIndexes()) {
            if (!(index instanceof MVPrimaryIndex) && !(index instanceof MVDelegateIndex)) {
                return false;
            }
        }
        return true;
    }

    /** The direct apply for this table of an embedded replica, or null when it must be applied with SQL. */
    static DirectApply of(Connection replica, TableId id) throws SQLException {
        SessionLocal local = enabled ? EmbeddedSession.of(replica) : null;
        if (local == null) {
            return null; // switched off, or a replica in another process: only SQL reaches it
        }
        Schema schema = local.getDatabase().findSchema(id.schema());
        Table table = schema == null ? null : schema.findTableOrView(local, id.name());
        if (!(table instanceof MVTable)) {
            return null;
        }
        for (Column column : table.getColumns()) {
            int type = column.getType().getValueType();
            if (!DIRECT.contains(type) || (type == Value.ARRAY || type == Value.ROW) && !directParts(column.getType())) {
                return null;
            }
        }
        Index primaryKey = table.findPrimaryKey();
        if (primaryKey == null) {
            int[] all = new int[table.getColumns().length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return new DirectApply(local, id, table, anyIndex(local, table), false, all);
        }
        IndexColumn[] keyColumns = primaryKey.getIndexColumns();
        int[] key = new int[keyColumns.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = keyColumns[i].column.getColumnId();
        }
        return new DirectApply(local, id, table, primaryKey, true, key);
    }

    /**
     * Whether an array's elements or a row's fields (and theirs, nested) are all of direct types
     * other than LOBs: a LOB inside them is captured as a handle to the primary's, not as its content.
     */
    private static boolean directParts(TypeInfo composite) {
        if (composite.getValueType() == Value.ARRAY) {
            return composite.getExtTypeInfo() instanceof TypeInfo element && directParts(element);
        }
        if (composite.getValueType() == Value.ROW) {
            if (!(composite.getExtTypeInfo() instanceof ExtTypeInfoRow row)) {
                return false;
            }
            for (Map.Entry<String, TypeInfo> field : row.getFields()) {
                if (!directParts(field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        int type = composite.getValueType();
        return DIRECT.contains(type) && type != Value.CLOB && type != Value.BLOB;
    }

    /** For a table without a primary key: one of its B-tree indexes (a unique one first), else its scan. */
    private static Index anyIndex(SessionLocal session, Table table) {
        Index scan = table.getScanIndex(session);
        Index found = scan;
        for (Index index : table.getIndexes()) {
            if (index instanceof MVSecondaryIndex && (found == scan || index.getIndexType().isUnique())) {
                found = index;
            }
        }
        return found;
    }

    /**
     * Whether H2's table object is still the table: DDL replaces it (the applier reads every shape
     * again after DDL it applies; this catches any other).
     */
    @Override
    public boolean current() {
        return table.isValid();
    }

    @Override
    public void close() {
        // holds nothing of its own
    }

    @Override
    public boolean appliesInPlace(RowChange change) {
        return inPlace != null && change.op() == RowChange.Op.UPDATE && (storesPrimaryRow(change)
                || change.newRow().length == columns.length && change.oldRow().length == columns.length
                && Objects.equals(change.oldRow()[mainColumn], change.newRow()[mainColumn]));
    }

    /**
     * Whether the replica can store the row the primary stored for this UPDATE ({@link
     * RowChange#primaryRow}): the primary's table lays its rows out as this one does, and rows of
     * this table keep no LOB.
     */
    private boolean storesPrimaryRow(RowChange change) {
        RowLayout primary = change.primaryLayout();
        if (primary == null || !shares) {
            return false;
        }
        if (primary != primaryLayout) {
            if (!primary.sameAs(layout)) {
                return false;
            }
            primaryLayout = primary; // the trigger keeps one layout per version of the schema
        }
        return true;
    }

    @Override
    public boolean applyInPlace(List<RowChange> changes) throws SQLException {
        try {
            if (!run.take(changes)) {
                return false; // a key H2 does not keep rows by (appliesInPlace found none): the transaction writes it
            }
            inPlace.operate(run.keys[0], null, run);
            if (run.held) {
                return false;
            }
            if (run.lost) {
                rowLost();
            }
            // cached query results of the table are stale now (H2 bumps this at commit for rows it writes)
            ((MVTable) table).setModificationDataId(session.getDatabase().getNextModificationDataId());
            return true;
        } catch (DbException | MVStoreException e) {
            throw DbException.toSQLException(DbException.convert(e));
        } finally {
            run.clear();
        }
    }

    /**
     * Writes a run of UPDATEs into the primary index's B-tree as one new version of it: each page
     * on the way to a changed row is copied once for the whole run (H2's own write copies the
     * path from the root to the leaf for each row), and the map's root moves to the new version
     * at once, so a reader sees all of the run or none of it. A page of the version readers may
     * hold is never changed, only copied. The run stops, having written nothing, at a row a
     * transaction of the replica holds (left to the applier's transaction, which waits for it
     * as H2's own UPDATE would) or a row the replica lacks. Each changed row is the changed values
     * over the row's own (the replica holds the primary's row as it was, so a column the UPDATE
     * left alone needs no conversion); a row changed twice gets the second change over the first.
     * Where the replica can store the primary's own row ({@link #storesPrimaryRow}) it does, and
     * reads nothing of its old row but whether a transaction holds it.
     */
    private final class CommittedRun extends MVMap.DecisionMaker<VersionedValue<SearchRow>> {
        long[] keys = new long[16];
        /** For each change, the new row's values, null where the UPDATE kept the old one. */
        Value[][] changed = new Value[16][];
        /** For each change, the primary's row to store, or null. */
        Row[] stored = new Row[16];
        int count;
        /** Set when a row of the run is held by a transaction of the replica. */
        boolean held;
        /** Set when a row of the run is not on the replica (and rows are checked). */
        boolean lost;

        /** Reads the run's keys and values; false when a key is not one H2 keeps rows by. */
        boolean take(List<RowChange> changes) {
            int n = changes.size();
            if (keys.length < n) {
                keys = new long[Math.max(n, 2 * keys.length)];
                changed = new Value[keys.length][];
                stored = new Row[keys.length];
            }
            count = n; // clear() lets go of what this fills, all of it or part
            for (int i = 0; i < n; i++) {
                RowChange change = changes.get(i);
                if (storesPrimaryRow(change)) {
                    stored[i] = change.primaryRow();
                    keys[i] = stored[i].getKey();
                    continue;
                }
                if (!(change.newRow()[mainColumn] instanceof Number key)) {
                    return false;
                }
                keys[i] = key.longValue();
                changed[i] = changedValues(change);
            }
            held = false;
            lost = false;
            return true;
        }

        void clear() {
            Arrays.fill(changed, 0, count, null);
            Arrays.fill(stored, 0, count, null);
            count = 0;
        }

        @Override
        public MVMap.Decision decide(VersionedValue<SearchRow> existing, VersionedValue<SearchRow> provided) {
            throw new IllegalStateException("a run decides for its pages"); // H2 asks the page-level decide only
        }

        @Override
        @SuppressWarnings("unchecked") // a committed row is the value of itself, as H2's primary index stores it
        public <K> CursorPos<K, VersionedValue<SearchRow>> decide(CursorPos<K, VersionedValue<SearchRow>> tip,
                K firstKey, VersionedValue<SearchRow> provided) {
            held = false;
            lost = false;
            CursorPos<K, VersionedValue<SearchRow>> top = tip;
            while (top.parent != null) {
                top = top.parent;
            }
            Page<K, VersionedValue<SearchRow>> before = top.page;
            Page<K, VersionedValue<SearchRow>> after = before.copy();
            for (int i = 0; i < count; i++) {
                long key = keys[i];
                Page<K, VersionedValue<SearchRow>> old = before;
                Page<K, VersionedValue<SearchRow>> now = after;
                while (!old.isLeaf()) {
                    int child = childIndex(old, key);
                    Page<K, VersionedValue<SearchRow>> oldChild = old.getChildPage(child);
                    Page<K, VersionedValue<SearchRow>> nowChild = now.getChildPage(child);
                    if (nowChild == oldChild) { // not copied yet in this run
                        nowChild = oldChild.copy();
                        now.setChild(child, nowChild);
                    }
                    old = oldChild;
                    now = nowChild;
                }
                int at = search(now, key);
                VersionedValue<SearchRow> existing = at < 0 ? null : now.getValue(at);
                if (existing == null) {
                    if (TableShape.checksRows) {
                        lost = true;
                        return tip; // nothing written
                    }
                    continue;
                }
                if (existing.getOperationId() != VersionedValue.NO_OPERATION_ID) {
                    held = true;
                    return tip;
                }
                Row row = stored[i];
                if (row == null) {
                    row = merged(existing.getCurrentValue(), changed[i], key);
                }
                now.setValue(at, (VersionedValue<SearchRow>) (VersionedValue<?>) row);
            }
            return new CursorPos<>(after, 0, null); // the new root: H2 puts it in place of the old one
        }
    }

    /** The change's values over the old row's. */
    private Row merged(SearchRow old, Value[] change, long key) {
        Value[] values = new Value[columns.length];
        for (int c = 0; c < values.length; c++) {
            values[c] = change[c] != null ? change[c] : old.getValue(c);
        }
        Row merged = table.createRow(values, SearchRow.MEMORY_CALCULATE);
        merged.setKey(key);
        return merged;
    }

    /** Which child of a B-tree node holds the key, as H2 descends: past an equal separator key. */
    private static int childIndex(Page<?, ?> node, long key) {
        int at = search(node, key);
        return at >= 0 ? at + 1 : -at - 1;
    }

    /** The key's index in the page, or -(insertion point) - 1, as H2's own search of a page. */
    private static int search(Page<?, ?> page, long key) {
        int low = 0;
        int high = page.getKeyCount() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long at = (Long) page.getKey(mid);
            if (at < key) {
                low = mid + 1;
            } else if (at > key) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    @Override
    public void apply(RowChange change) throws SQLException {
        int width = (change.newRow() != null ? change.newRow() : change.oldRow()).length;
        if (width != columns.length) {
            throw new ReplicaDiverged("the replica's " + id + " has " + columns.length + " columns, the row the primary "
                    + "changed " + width);
        }
        try {
            table.lock(session, Table.WRITE_LOCK);
            switch (change.op()) {
                case INSERT -> table.addRow(session, newRow(change));
                case UPDATE -> {
                    Row updated = newRow(change);
                    if (byKeyAlone && updatedByKey(change, updated)) {
                        return;
                    }
                    Row old = find(change.oldRow());
                    if (old == null) {
                        rowLost();
                        return;
                    }
                    // the row's key in H2's primary index: a changed key column moves the row, as in SQL
                    long key = mainColumn == SearchRow.ROWID_INDEX ? old.getKey() : updated.getValue(mainColumn).getLong();
                    if (key == old.getKey()) {
                        table.updateRow(session, old, updated); // each index changes only where its columns did
                    } else {
                        updated.setKey(key);
                        try (LocalResult rows = LocalResult.forTable(session, table)) {
                            rows.addRowForTable(old);
                            rows.addRowForTable(updated);
                            rows.done();
                            table.updateRows(session, rows, () -> { });
                        }
                    }
                }
                case DELETE -> {
                    // none there: no cascade runs here, so the replica lost it; it ends as the primary has it, absent
                    Row old = find(change.oldRow());
                    if (old != null) {
                        table.removeRow(session, old);
                    }
                }
            }
        } catch (DbException e) {
            throw DbException.toSQLException(e);
        }
    }

    /**
     * An UPDATE of a table whose only index is its primary key, when the key stays: H2's primary
     * index replaces the row under the key and reads nothing else of the old row, so the row is
     * not looked up first. A key the replica lacks is found by that replace (and undone).
     *
     * @return false when the key changes (the caller moves the row)
     */
    private boolean updatedByKey(RowChange change, Row updated) throws SQLException {
        long key = updated.getValue(mainColumn).getLong();
        Value oldKey = value(mainColumn, change.oldRow()[mainColumn]);
        if (oldKey.getLong() != key) {
            return false;
        }
        Row old = table.getTemplateRow();
        old.setValue(mainColumn, oldKey);
        old.setKey(key);
        try {
            table.updateRow(session, old, updated);
        } catch (DbException e) {
            if (e.getErrorCode() != ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX) {
                throw e;
            }
            rowLost();
        }
        return true;
    }

    /** The row an UPDATE changes is not on the replica: it diverged (unless tests switched the check off). */
    private void rowLost() throws ReplicaDiverged {
        if (TableShape.checksRows) {
            throw new ReplicaDiverged("the row of " + id + " an UPDATE changes is not on the replica");
        }
    }

    private Row find(Object[] captured) {
        SearchRow probe = table.getTemplateSimpleRow(false);
        for (int position : key) {
            probe.setValue(position, value(position, captured[position]));
        }
        if (keyed) {
            Cursor cursor = lookup.find(session, probe, probe, false);
            return cursor.next() ? cursor.get() : null;
        }
        // the scan index takes no bounds (it ranges over row ids); a B-tree index ranges over its columns
        boolean scan = !(lookup instanceof MVSecondaryIndex);
        Cursor cursor = lookup.find(session, scan ? null : probe, scan ? null : probe, false);
        while (cursor.next()) {
            Row row = cursor.get();
            if (sameValues(row, probe)) {
                return row;
            }
        }
        return null;
    }

    /** IS NOT DISTINCT FROM, column by column. */
    private boolean sameValues(Row row, SearchRow probe) {
        for (int position : key) {
            if (!session.areEqual(row.getValue(position), probe.getValue(position))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a replica's apply converted a new row to: for the column types they were converted to,
     * every value (whole) or only those an UPDATE changed (null where it kept the old one).
     */
    private record Converted(TypeInfo[] types, Value[] values, boolean whole) { }

    /**
     * The change's new row as H2's: converted once for all replicas whose columns have the same types
     * (every replica of one cluster, each applying the same change), as each would convert it. H2's
     * values are immutable; each replica's row gets its own array.
     */
    private Row newRow(RowChange change) {
        if (!shares) {
            return row(change.newRow());
        }
        if (change.convertedNew() instanceof Converted c && c.whole() && sameTypes(c.types())) {
            return table.createRow(c.values().clone(), SearchRow.MEMORY_CALCULATE);
        }
        Row row = row(change.newRow());
        change.convertedNew(new Converted(types, row.getValueList().clone(), true));
        return row;
    }

    /**
     * An UPDATE's new values where they differ from the old row's, null where the captured value is
     * the same (equal Java values convert to the same H2 value of the column); shared by the replicas
     * as {@link #newRow} is. Read only.
     */
    private Value[] changedValues(RowChange change) {
        if (shares && change.convertedNew() instanceof Converted c && sameTypes(c.types())) {
            return c.values();
        }
        Object[] before = change.oldRow();
        Object[] after = change.newRow();
        Value[] values = new Value[columns.length];
        for (int i = 0; i < values.length; i++) {
            if (!Objects.equals(before[i], after[i])) {
                values[i] = value(i, after[i]);
            }
        }
        if (shares) {
            change.convertedNew(new Converted(types, values, false));
        }
        return values;
    }

    private boolean sameTypes(TypeInfo[] other) {
        return Arrays.equals(types, other); // the same array first, then length and each type
    }

    private Row row(Object[] captured) {
        Value[] values = new Value[columns.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(i, captured[i]);
        }
        return table.createRow(values, SearchRow.MEMORY_CALCULATE);
    }

    private Value value(int position, Object captured) {
        Column column = columns[position];
        return converted(captured, column.getType(), column);
    }

    /**
     * As a JDBC parameter and the assignment to the column would convert it; an array's elements and
     * a row's fields (captured as an Object[] both) each by its own type, as the primary held them.
     */
    private Value converted(Object captured, TypeInfo type, Column column) {
        if (captured instanceof Object[] parts) {
            if (type.getValueType() == Value.ROW && type.getExtTypeInfo() instanceof ExtTypeInfoRow row
                    && row.getFields().size() == parts.length) {
                Value[] fields = new Value[parts.length];
                int i = 0;
                for (Map.Entry<String, TypeInfo> field : row.getFields()) {
                    fields[i] = converted(parts[i], field.getValue(), null);
                    i++;
                }
                return ValueRow.get(type, fields);
            }
            if (type.getValueType() == Value.ARRAY && type.getExtTypeInfo() instanceof TypeInfo element) {
                Value[] elements = new Value[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    elements[i] = converted(parts[i], element, null);
                }
                return ValueArray.get(element, elements, session).convertForAssignTo(type, session, column);
            }
        }
        return ValueToObjectConverter.objectToValue(session, captured, Value.UNKNOWN)
                .convertForAssignTo(type, session, column);
    }
}
