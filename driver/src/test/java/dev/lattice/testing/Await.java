package dev.lattice.testing;

import dev.lattice.cluster.Cluster;
import dev.lattice.backend.h2.Replica;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline, never for a fixed time. */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what);
            }
        }
    }

    /** Until the named replicas have applied everything the primary has committed. */
    public static void caughtUp(Cluster cluster, Duration timeout, String... replicas) {
        until(String.join(", ", replicas) + " to apply LSN " + cluster.committedLsn(), timeout, () -> {
            long c = cluster.committedLsn();
            for (String name : replicas) {
                if (cluster.h2().replica(name).applied() < c) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Until every replica has applied everything the primary has committed. On a timeout the
     * error tells each replica's state, applied LSN and last error, and where the appliers are.
     */
    public static void caughtUp(Cluster cluster, Duration timeout) {
        try {
            until("every replica to apply LSN " + cluster.committedLsn(), timeout, () -> {
                long c = cluster.committedLsn();
                for (Replica r : cluster.h2().replicas()) {
                    if (r.applied() < c) {
                        return false;
                    }
                }
                return true;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + replicasNow(cluster), e);
        }
    }

    /** Each replica's state, applied LSN and last error, then the stacks of the non-daemon and Lattice threads. */
    private static String replicasNow(Cluster cluster) {
        StringBuilder b = new StringBuilder("committed ").append(cluster.committedLsn());
        for (Replica r : cluster.h2().replicas()) {
            b.append("; ").append(r.node().name()).append(' ').append(r.applier().state()).append(" applied ")
                    .append(r.applied()).append(" last error ").append(r.applier().lastError());
        }
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (!t.isDaemon() || t.getName().startsWith("lattice")) {
                b.append("\n").append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement frame : stack) {
                    b.append("\n    at ").append(frame);
                }
            }
        });
        return b.toString();
    }
}
