package dev.lattice.cluster;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells HikariCP which H2 errors mean the connection is broken (the server went away or the
 * database closed): H2 reports them with its own codes, not SQLState class 08, so without this a
 * dead connection would go back to the pool and be handed out again.
 */
public final class H2ConnectionErrors implements SQLExceptionOverride {

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                int code = s.getErrorCode();
                if (code == 90067 || code == 90028 || code == 90031 || code == 90098 || code == 90121) {
                    return Override.MUST_EVICT;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
