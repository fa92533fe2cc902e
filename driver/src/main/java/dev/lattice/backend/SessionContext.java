package dev.lattice.backend;

import dev.lattice.sql.consistency.ConsistencyLevel;
import java.sql.SQLException;

/** What a primary-side transaction asks of the session it belongs to. */
public interface SessionContext {

    /** Whether a statement now commits by itself (autocommit on, no BEGIN block open). */
    boolean autoCommit();

    /** Whether the session's transactions are SERIALIZABLE. */
    boolean serializable();

    ConsistencyLevel level();

    /** After a write committed at this position: the level's commit rule (STRONG, QUORUM waits) and W. */
    void committed(long lsn) throws SQLException;

    /** After a statement ran on the primary: T rises to an upper bound of what it saw. */
    void readPrimary() throws SQLException;

    /** The transaction was rolled back by the lock manager (deadlock victim, lock timeout): the cause. */
    void rolledBack(SQLException cause) throws SQLException;
}
