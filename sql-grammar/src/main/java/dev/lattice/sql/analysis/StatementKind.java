package dev.lattice.sql.analysis;

/** What a statement is, as routing, locking and replication tell statements apart. */
public enum StatementKind {
  /** A read: SELECT, VALUES, WITH … SELECT, TABLE t. */
  QUERY,
  /** INSERT, UPDATE, DELETE, MERGE, UPSERT: changes rows, captured as row changes. */
  DML,
  /** CREATE, ALTER, DROP, TRUNCATE, COMMENT, GRANT, REVOKE: replicated as statement text. */
  DDL,
  /** BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, SET TRANSACTION. */
  TRANSACTION_CONTROL,
  /**
   * An H2 or PostgreSQL {@code SET x …} (or {@code RESET x}) that is not a Lattice or transaction
   * statement: the driver replays it on every node the session uses.
   */
  SESSION_SETTING,
  /** SET CONSISTENCY …, SHOW CONSISTENCY: the session's level, token, timeout and fallback. */
  LATTICE_SESSION,
  /** SHOW REPLICAS, SHOW STATS, SHOW LOCKS, ALTER REPLICA: cluster administration. */
  LATTICE_ADMIN,
  /**
   * Anything not understood (H2-specific syntax, several statements in one string, CALL, …):
   * runs on the primary and may touch anything.
   */
  OTHER
}
