package dev.lattice.proxy.copy;

import java.sql.SQLException;

/** A COPY FROM STDIN in progress: it takes the client's CopyData until CopyDone or CopyFail. */
public interface CopyIn {

    void data(byte[] bytes) throws SQLException;

    /** CopyDone: the rows are in (committed when the COPY has its own transaction); returns the tag. */
    String done() throws SQLException;

    /** CopyFail, an error, or a message that has no place in copy-in mode: nothing of the COPY stays. */
    void fail();
}
