package dev.lattice.replication;

import java.util.List;

/**
 * One entry of the change log: a committed transaction with its LSN. It carries the row changes
 * the transaction made, or one DDL statement (with the schema it was run in), or an order to
 * resynchronise: the schema changed in a way Lattice could not replay as text, so every replica
 * is rebuilt from a snapshot.
 */
public final class LoggedTransaction {

    private final long lsn;
    private final long commitMillis;
    private final List<RowChange> changes;
    private final String ddl;
    private final String ddlSchema;
    private final boolean resync;

    private LoggedTransaction(long lsn, long commitMillis, List<RowChange> changes, String ddl, String ddlSchema,
                              boolean resync) {
        this.lsn = lsn;
        this.commitMillis = commitMillis;
        this.changes = changes;
        this.ddl = ddl;
        this.ddlSchema = ddlSchema;
        this.resync = resync;
    }

    public static LoggedTransaction ofChanges(long lsn, long commitMillis, List<RowChange> changes) {
        return new LoggedTransaction(lsn, commitMillis, List.copyOf(changes), null, null, false);
    }

    public static LoggedTransaction ofDdl(long lsn, long commitMillis, String ddl, String schema) {
        return new LoggedTransaction(lsn, commitMillis, List.of(), ddl, schema, false);
    }

    public static LoggedTransaction resync(long lsn, long commitMillis) {
        return new LoggedTransaction(lsn, commitMillis, List.of(), null, null, true);
    }

    /** Whether replicas must be rebuilt from a snapshot at this point of the log. */
    public boolean isResync() {
        return resync;
    }

    public long lsn() {
        return lsn;
    }

    /** Wall-clock time of the primary commit, in epoch milliseconds. */
    public long commitMillis() {
        return commitMillis;
    }

    public List<RowChange> changes() {
        return changes;
    }

    public boolean isDdl() {
        return ddl != null;
    }

    /** The DDL statement text, or null for a transaction of row changes. */
    public String ddl() {
        return ddl;
    }

    /** The schema the DDL ran in on the primary, so unqualified names resolve alike on replicas. */
    public String ddlSchema() {
        return ddlSchema;
    }

    LoggedTransaction withLsn(long newLsn, long newCommitMillis) {
        return new LoggedTransaction(newLsn, newCommitMillis, changes, ddl, ddlSchema, resync);
    }
}
