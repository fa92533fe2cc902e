package dev.lattice.locking;

import dev.lattice.replication.TableId;
import java.util.List;

/** What a lock is on: a whole table, or one row of it named by its primary-key values. */
public record LockTarget(TableId table, List<Object> key) {

    public static LockTarget table(TableId table) {
        return new LockTarget(table, null);
    }

    public static LockTarget row(TableId table, List<Object> key) {
        return new LockTarget(table, List.copyOf(key));
    }

    public boolean isRow() {
        return key != null;
    }

    @Override
    public String toString() {
        return isRow() ? table + " row " + key : "table " + table;
    }
}
