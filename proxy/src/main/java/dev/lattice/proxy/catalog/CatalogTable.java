package dev.lattice.proxy.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2.command.ddl.CreateTableData;
import org.h2.command.query.AllColumnsForPlan;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.index.Cursor;
import org.h2.index.Index;
import org.h2.index.IndexType;
import org.h2.message.DbException;
import org.h2.result.ResultInterface;
import org.h2.result.Row;
import org.h2.result.SearchRow;
import org.h2.result.SortOrder;
import org.h2.table.Column;
import org.h2.table.IndexColumn;
import org.h2.table.TableBase;
import org.h2.table.TableFilter;
import org.h2.table.TableType;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * One relation of the proxy's catalog, held in memory: the rows of its source view (over
 * INFORMATION_SCHEMA) read once per schema version of the node ({@link SchemaVersion}) by the
 * first statement that needs them, then served from memory, with an index on each
 * key column so psql's joins of pg_class, pg_index and pg_constraint look rows up instead of
 * running the views again per row. H2 keeps metadata outside transactions, so a statement after
 * a DDL on this node (the primary's or a replica's applier) reads rows of the new schema. Nothing
 * of it is stored: no row is ever written, logged or replicated.
 */
final class CatalogTable extends TableBase {

    /** The rows of one schema version, and per key column the rows by value. */
    private record Rows(long version, long fingerprint, List<Row> all, List<Map<Value, List<Row>>> byKey) { }

    private final String source;
    private final Database database;
    private final KeyIndex scan;
    private final List<Index> indexes = new ArrayList<>();
    private volatile Rows rows;

    CatalogTable(CreateTableData data, String source, List<String> keys) {
        super(data);
        this.source = source;
        this.database = data.schema.getDatabase();
        this.scan = new KeyIndex(this, -1, 0);
        indexes.add(scan);
        for (String key : keys) {
            Column column = getColumn(key);
            indexes.add(new KeyIndex(this, column.getColumnId(), indexes.size()));
        }
    }

    private Rows rows(SessionLocal session) {
        long version = database.getModificationMetaId();
        Rows r = rows;
        if (r != null && r.version() == version) {
            return r;
        }
        long fingerprint = SchemaVersion.fingerprint(database);
        if (r != null && r.fingerprint() == fingerprint) {
            r = new Rows(version, fingerprint, r.all(), r.byKey()); // a session or a SET moved the counter
            rows = r;
            return r;
        }
        // read before the rows: a DDL while they are read makes the next statement read them again
        List<Row> all = new ArrayList<>();
        try (ResultInterface result = session.prepare("SELECT * FROM pg_catalog." + source).query(0)) {
            int n = getColumns().length;
            while (result.next()) {
                Value[] values = result.currentRow();
                Value[] copy = new Value[n];
                for (int i = 0; i < n; i++) {
                    copy[i] = values[i];
                }
                Row row = Row.get(copy, SearchRow.MEMORY_CALCULATE);
                row.setKey(all.size() + 1);
                all.add(row);
            }
        }
        List<Map<Value, List<Row>>> byKey = new ArrayList<>();
        for (Index index : indexes) {
            int column = ((KeyIndex) index).column;
            Map<Value, List<Row>> map = new HashMap<>();
            if (column >= 0) {
                for (Row row : all) {
                    map.computeIfAbsent(row.getValue(column), v -> new ArrayList<>(2)).add(row);
                }
            }
            byKey.add(map);
        }
        r = new Rows(version, fingerprint, Collections.unmodifiableList(all), byKey);
        rows = r;
        return r;
    }

    @Override
    public void close(SessionLocal session) {
    }

    @Override
    public Index addIndex(SessionLocal session, String indexName, int indexId, IndexColumn[] cols, int uniqueColumnCount,
                          IndexType indexType, boolean create, String indexComment) {
        throw DbException.getUnsupportedException("an index on the proxy's catalog");
    }

    @Override
    public void removeRow(SessionLocal session, Row row) {
        throw DbException.getUnsupportedException("writing the proxy's catalog");
    }

    @Override
    public long truncate(SessionLocal session) {
        throw DbException.getUnsupportedException("writing the proxy's catalog");
    }

    @Override
    public void addRow(SessionLocal session, Row row) {
        throw DbException.getUnsupportedException("writing the proxy's catalog");
    }

    @Override
    public void checkSupportAlter() {
        throw DbException.getUnsupportedException("altering the proxy's catalog");
    }

    @Override
    public TableType getTableType() {
        return TableType.EXTERNAL_TABLE_ENGINE;
    }

    @Override
    public Index getScanIndex(SessionLocal session) {
        return scan;
    }

    @Override
    public List<Index> getIndexes() {
        return indexes;
    }

    @Override
    public long getMaxDataModificationId() {
        return Long.MAX_VALUE; // never a cached query result: the rows follow the schema
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }

    @Override
    public boolean canGetRowCount(SessionLocal session) {
        return false;
    }

    @Override
    public boolean canDrop() {
        return true;
    }

    @Override
    public long getRowCount(SessionLocal session) {
        return rows(session).all().size();
    }

    @Override
    public long getRowCountApproximation(SessionLocal session) {
        Rows r = rows;
        return r == null ? 1000 : Math.max(1, r.all().size());
    }

    @Override
    public void checkRename() {
        throw DbException.getUnsupportedException("renaming the proxy's catalog");
    }

    /** The scan (column -1) or a lookup by one key column's value. */
    private static final class KeyIndex extends Index {

        final int column;
        private final int slot;
        private final CatalogTable table;

        KeyIndex(CatalogTable table, int column, int slot) {
            super(table, 0, null, column < 0 ? IndexColumn.wrap(new Column[0])
                    : IndexColumn.wrap(new Column[] {table.getColumn(column)}),
                    0, column < 0 ? IndexType.createScan(false) : IndexType.createNonUnique(false));
            this.table = table;
            this.column = column;
            this.slot = slot;
        }

        @Override
        public Cursor find(SessionLocal session, SearchRow first, SearchRow last, boolean reverse) {
            Rows r = table.rows(session);
            if (column < 0) {
                return new ListCursor(r.all());
            }
            Value from = first == null ? null : first.getValue(column);
            Value to = last == null ? null : last.getValue(column);
            if (from != null && to != null && table.compareValues(session, from, to) == 0) {
                List<Row> found = r.byKey().get(slot).get(from);
                if (found != null || from.getValueType() == table.getColumn(column).getType().getValueType()) {
                    return new ListCursor(found == null ? List.of() : found);
                }
            }
            List<Row> matching = new ArrayList<>();
            for (Row row : r.all()) {
                Value v = row.getValue(column);
                if ((from == null || v != ValueNull.INSTANCE && table.compareValues(session, v, from) >= 0)
                        && (to == null || v != ValueNull.INSTANCE && table.compareValues(session, v, to) <= 0)) {
                    matching.add(row);
                }
            }
            return new ListCursor(matching);
        }

        @Override
        public double getCost(SessionLocal session, int[] masks, TableFilter[] filters, int filter, SortOrder sortOrder,
                              AllColumnsForPlan allColumnsSet, boolean isSelectCommand) {
            long rowCount = table.getRowCountApproximation(session);
            if (column < 0) {
                return 10.0 * rowCount;
            }
            return getCostRangeIndex(masks, rowCount, filters, filter, sortOrder, false, allColumnsSet,
                    isSelectCommand);
        }

        @Override
        public void close(SessionLocal session) {
        }

        @Override
        public void add(SessionLocal session, Row row) {
            throw DbException.getUnsupportedException("writing the proxy's catalog");
        }

        @Override
        public void remove(SessionLocal session, Row row) {
            throw DbException.getUnsupportedException("writing the proxy's catalog");
        }

        @Override
        public void remove(SessionLocal session) {
        }

        @Override
        public void truncate(SessionLocal session) {
        }

        @Override
        public boolean needRebuild() {
            return false;
        }

        @Override
        public long getRowCount(SessionLocal session) {
            return table.getRowCount(session);
        }

        @Override
        public long getRowCountApproximation(SessionLocal session) {
            return table.getRowCountApproximation(session);
        }

        @Override
        public void checkRename() {
        }
    }

    /** A cursor over rows already in memory. */
    private static final class ListCursor implements Cursor {
        private final List<Row> rows;
        private int at = -1;

        ListCursor(List<Row> rows) {
            this.rows = rows;
        }

        @Override
        public Row get() {
            return rows.get(at);
        }

        @Override
        public SearchRow getSearchRow() {
            return get();
        }

        @Override
        public boolean next() {
            return ++at < rows.size();
        }

        @Override
        public boolean previous() {
            return --at >= 0;
        }
    }
}
