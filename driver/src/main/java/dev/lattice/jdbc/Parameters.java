package dev.lattice.jdbc;

import dev.lattice.cluster.NodeValues;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameter values set on a prepared statement, recorded so they can be bound to the H2
 * statement of whichever node the execution is routed to. Most values are plain objects bound
 * with setObject; the rest (streams, calendars, typed nulls) are recorded as binders.
 */
final class Parameters {

    /** Binds one recorded value to an H2 statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }

    private static final Object UNSET = new Object();

    private Object[] values;
    private final List<Object[]> batch = new ArrayList<>();

    Parameters(int count) {
        values = new Object[Math.max(count, 0)];
        Arrays.fill(values, UNSET);
    }

    void set(int index, Object value) throws SQLException {
        if (index < 1) {
            throw new SQLException("Invalid parameter index " + index, "90008");
        }
        if (index > values.length) {
            Object[] grown = Arrays.copyOf(values, index);
            Arrays.fill(grown, values.length, index, UNSET);
            values = grown;
        }
        values[index - 1] = value;
    }

    void bind(int index, Binder binder) throws SQLException {
        set(index, binder);
    }

    void clear() {
        Arrays.fill(values, UNSET);
    }

    void addBatch() {
        batch.add(values.clone());
    }

    List<Object[]> takeBatch() {
        List<Object[]> out = List.copyOf(batch);
        batch.clear();
        return out;
    }

    void clearBatch() {
        batch.clear();
    }

    /** The plain value bound to parameter n (1-based), or null when unset or bound by a binder. */
    Object value(int n) {
        return valueIn(values, n);
    }

    static Object valueIn(Object[] row, int n) {
        if (n < 1 || n > row.length) {
            return null;
        }
        Object v = row[n - 1];
        return v == UNSET || v instanceof Binder ? null : v;
    }

    /** Binds the current values. */
    void applyTo(PreparedStatement ps) throws SQLException {
        applyTo(ps, values);
    }

    /** Unset values are cleared on the H2 statement, so it fails as H2 would rather than reuse an old value. */
    static void applyTo(PreparedStatement ps, Object[] row) throws SQLException {
        for (Object value : row) {
            if (value == UNSET) {
                ps.clearParameters();
                break;
            }
        }
        for (int i = 0; i < row.length; i++) {
            Object value = row[i];
            if (value == UNSET) {
                continue;
            }
            if (value instanceof Binder binder) {
                binder.bind(ps, i + 1);
            } else {
                NodeValues.set(ps, i + 1, value);
            }
        }
    }
}
