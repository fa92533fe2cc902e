package dev.lattice.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A recorded history of reads and writes of one register (one row's value): each operation with
 * the time it was invoked and the time it returned, as the clients saw them. Thread-safe.
 */
public final class RegisterHistory {

    /** One operation: a write of a value, or a read that returned a value. */
    public record Op(boolean write, long value, long invokedNanos, long returnedNanos) {
        @Override
        public String toString() {
            return (write ? "write(" : "read()=") + value + (write ? ")" : "") + " [" + invokedNanos + ", " + returnedNanos + "]";
        }
    }

    private final long initialValue;
    private final List<Op> ops = Collections.synchronizedList(new ArrayList<>());

    public RegisterHistory(long initialValue) {
        this.initialValue = initialValue;
    }

    public void write(long value, long invoked, long returned) {
        ops.add(new Op(true, value, invoked, returned));
    }

    public void read(long value, long invoked, long returned) {
        ops.add(new Op(false, value, invoked, returned));
    }

    public long initialValue() {
        return initialValue;
    }

    public List<Op> ops() {
        synchronized (ops) {
            return List.copyOf(ops);
        }
    }

    public int size() {
        return ops.size();
    }
}
