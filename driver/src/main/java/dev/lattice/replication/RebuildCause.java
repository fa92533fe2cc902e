package dev.lattice.replication;

/** Why a replica was rebuilt from a snapshot; SHOW REPLICAS counts each. */
public enum RebuildCause {
    /** The replica had no applied-LSN record: new, or its LATTICE schema is gone. */
    INITIAL,
    /** The replica's record says a DDL was cut off mid-way (the replica or Lattice stopped during it). */
    RESTART,
    /** A DDL failed to apply on the replica, so whether it half ran is unknown. */
    APPLY_FAILED,
    /** The replica needs an LSN the log no longer holds (it fell behind the retained log). */
    LOG_TRUNCATED,
    /** It had applied transactions beyond the replica promoted to primary: they are not in the new history. */
    NEW_PRIMARY,
    /** A statement Lattice could not read changed the primary's schema (a resynchronisation in the log). */
    SCHEMA_CHANGED_UNSEEN,
    /**
     * A logged change did not fit the replica's rows: an UPDATE by key found no row (the replica
     * held other rows than the primary), or a constraint refused a row (that, or a key shift such
     * as {@code SET id = id + 1}, which conflicts in passing when applied row by row).
     */
    DIVERGED,
    /**
     * The replica was open, and behind the primary, when its Lattice process ended without closing
     * it (a crash, a kill): an apply in flight then can leave entries in the H2 file that H2's
     * recovery does not clean up, and applying the same rows again can then spin in H2 for ever.
     */
    LEFT_OPEN,
    /** H2 found the replica's file corrupt: it was set aside and the replica started empty. */
    FILE_CORRUPT,
    /** Asked for (tests). */
    REQUESTED
}
