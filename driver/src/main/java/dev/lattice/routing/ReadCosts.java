package dev.lattice.routing;

/**
 * A session's measured costs of the two ways to serve a read whose replica lacks the session's
 * position: reading the primary, or bringing a replica to it ({@code ReplicaNode.help}). Moving
 * averages of the session's own reads (one eighth per sample), so the choice follows the machine.
 */
final class ReadCosts {

    private long primaryReadNanos;
    private long helpNanos;

    void primaryRead(long nanos) {
        primaryReadNanos += (nanos - primaryReadNanos) >> 3;
    }

    void helped(long nanos) {
        helpNanos += (nanos - helpNanos) >> 3;
    }

    /** Whether a primary read has cost less than helping; true before either was measured, so both get measured. */
    boolean primaryReadIsCheaper() {
        return primaryReadNanos <= helpNanos;
    }
}
