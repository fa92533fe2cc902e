package dev.lattice.testing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a register history is linearizable, by the Wing–Gong search with Lowe's
 * memoisation: repeatedly pick an operation that could take effect first (invoked before every
 * other pending operation returned), apply it to the register if it fits (a read must return the
 * current value), and backtrack on a dead end; states already explored (the set of operations
 * linearized, the register's value) are not explored again.
 */
public final class LinearizabilityChecker {

    /** The outcome: linearizable, or not with a short explanation. */
    public record Result(boolean linearizable, String explanation) {
    }

    private LinearizabilityChecker() {
    }

    public static Result check(RegisterHistory history) {
        List<RegisterHistory.Op> ops = new ArrayList<>(history.ops());
        ops.sort(Comparator.comparingLong(RegisterHistory.Op::invokedNanos));
        int n = ops.size();
        if (n == 0) {
            return new Result(true, "empty history");
        }
        Search search = new Search(ops);
        boolean ok = search.run(history.initialValue());
        if (ok) {
            return new Result(true, n + " operations linearized");
        }
        return new Result(false, "no linearization of " + n + " operations; the search got no further than "
                + search.deepest + " operations, stuck before: " + search.stuckAt());
    }

    /**
     * Checks each read alone with all the writes: a read must then observe every write
     * acknowledged before it began, and only values that were written (a regular register).
     * This is what STRONG and QUORUM promise; two concurrent reads may still disagree about a
     * write still in progress, which full linearizability would forbid.
     */
    public static Result checkEachReadWithAllWrites(RegisterHistory history) {
        List<RegisterHistory.Op> writes = new ArrayList<>();
        List<RegisterHistory.Op> reads = new ArrayList<>();
        for (RegisterHistory.Op op : history.ops()) {
            (op.write() ? writes : reads).add(op);
        }
        for (RegisterHistory.Op read : reads) {
            RegisterHistory single = new RegisterHistory(history.initialValue());
            for (RegisterHistory.Op w : writes) {
                single.write(w.value(), w.invokedNanos(), w.returnedNanos());
            }
            single.read(read.value(), read.invokedNanos(), read.returnedNanos());
            if (!check(single).linearizable()) {
                return new Result(false, read + " misses a write acknowledged before it began (or returns a value "
                        + "never written)");
            }
        }
        return new Result(true, reads.size() + " reads each observed every write acknowledged before them");
    }

    private static final class Search {
        private final List<RegisterHistory.Op> ops;
        private final Set<State> seen = new HashSet<>();
        private int deepest;
        private BitSet deepestDone = new BitSet();

        Search(List<RegisterHistory.Op> ops) {
            this.ops = ops;
        }

        boolean run(long initial) {
            BitSet done = new BitSet(ops.size());
            return step(done, initial, 0);
        }

        /** Depth-first, with an explicit stack so long histories cannot overflow the thread's stack. */
        private boolean step(BitSet start, long startValue, int startCount) {
            record Frame(BitSet done, long value, int count) {
            }
            java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();
            stack.push(new Frame(start, startValue, startCount));
            while (!stack.isEmpty()) {
                Frame f = stack.pop();
                if (f.count == ops.size()) {
                    return true;
                }
                if (!seen.add(new State(f.done, f.value))) {
                    continue;
                }
                if (f.count > deepest) {
                    deepest = f.count;
                    deepestDone = f.done;
                }
                long earliestReturn = Long.MAX_VALUE;
                for (int i = f.done.nextClearBit(0); i < ops.size(); i = f.done.nextClearBit(i + 1)) {
                    earliestReturn = Math.min(earliestReturn, ops.get(i).returnedNanos());
                }
                for (int i = f.done.nextClearBit(0); i < ops.size(); i = f.done.nextClearBit(i + 1)) {
                    RegisterHistory.Op op = ops.get(i);
                    if (op.invokedNanos() > earliestReturn) {
                        break;
                    }
                    if (!op.write() && op.value() != f.value) {
                        continue;
                    }
                    BitSet next = (BitSet) f.done.clone();
                    next.set(i);
                    stack.push(new Frame(next, op.write() ? op.value() : f.value, f.count + 1));
                }
            }
            return false;
        }

        String stuckAt() {
            StringBuilder out = new StringBuilder();
            int shown = 0;
            for (int i = deepestDone.nextClearBit(0); i < ops.size() && shown < 4; i = deepestDone.nextClearBit(i + 1)) {
                out.append(shown++ == 0 ? "" : ", ").append(ops.get(i));
            }
            return out.toString();
        }

        private record State(BitSet done, long value) {
        }
    }
}
