package dev.lattice.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * The row changes one session's open transaction has made on the primary, in the order H2 made
 * them. Filled by {@link CaptureTrigger}; drained into the log at commit; cut back on a failed
 * statement or a rollback to a savepoint, so nothing H2 undid is ever shipped.
 */
public final class ChangeCapture {

    private final ArrayList<RowChange> changes = new ArrayList<>();

    void add(RowChange change) {
        changes.add(change);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** A mark to return to with {@link #truncate(int)}. */
    public int mark() {
        return changes.size();
    }

    /** Forgets every change made after the mark. */
    public void truncate(int mark) {
        for (int i = changes.size() - 1; i >= mark; i--) {
            changes.remove(i);
        }
    }

    /** Takes every captured change and leaves the capture empty. */
    public List<RowChange> drain() {
        List<RowChange> out = List.copyOf(changes);
        changes.clear();
        return out;
    }

    public void clear() {
        changes.clear();
    }
}
