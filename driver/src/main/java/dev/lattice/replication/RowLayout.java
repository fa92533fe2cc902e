package dev.lattice.replication;

import java.util.Arrays;
import org.h2.table.Column;
import org.h2.table.Table;
import org.h2.value.TypeInfo;

/**
 * How an H2 table lays out its rows: its columns' types, in order, and the column H2 keys the
 * rows by. A replica table of the same layout can hold the primary's rows as they are.
 */
record RowLayout(TypeInfo[] types, int keyColumn) {

    static RowLayout of(Table table) {
        Column[] columns = table.getColumns();
        TypeInfo[] types = new TypeInfo[columns.length];
        for (int i = 0; i < columns.length; i++) {
            types[i] = columns[i].getType();
        }
        return new RowLayout(types, table.getMainIndexColumn());
    }

    boolean sameAs(RowLayout other) {
        return keyColumn == other.keyColumn && Arrays.equals(types, other.types);
    }
}
