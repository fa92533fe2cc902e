package dev.lattice.proxy.copy;

import java.sql.SQLException;

/**
 * A failure inside COPY's data, with where it happened as PostgreSQL's CONTEXT says it
 * ({@code COPY t, line 3, column id: "x"}); the failure itself keeps its SQLState and message.
 */
public final class CopyException extends SQLException {

    private static final long serialVersionUID = 1L;

    private final transient SQLException failure;
    private final String context;

    public CopyException(SQLException failure, String context) {
        super(failure.getMessage(), failure.getSQLState(), failure);
        this.failure = failure;
        this.context = context;
    }

    /** The failure as it would read without COPY around it. */
    public SQLException failure() {
        return failure;
    }

    /** The CONTEXT field of the error. */
    public String context() {
        return context;
    }
}
