package dev.lattice.backend;

import java.sql.Types;
import org.h2.tools.SimpleResultSet;

/** The columns SHOW REPLICAS has over every backend (SPEC §3); a backend adds its own after them. */
public final class ReplicaRows {

    private ReplicaRows() {
    }

    /** name, role, url, state, applied_lsn, lag_lsn, lag_ms, in_sync_set, delay_ms. */
    public static SimpleResultSet columns() {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("NAME", Types.VARCHAR, 64, 0);
        rs.addColumn("ROLE", Types.VARCHAR, 16, 0);
        rs.addColumn("URL", Types.VARCHAR, 1024, 0);
        rs.addColumn("STATE", Types.VARCHAR, 16, 0);
        rs.addColumn("APPLIED_LSN", Types.BIGINT, 19, 0);
        rs.addColumn("LAG_LSN", Types.BIGINT, 19, 0);
        rs.addColumn("LAG_MS", Types.BIGINT, 19, 0);
        rs.addColumn("IN_SYNC_SET", Types.BOOLEAN, 1, 0);
        rs.addColumn("DELAY_MS", Types.BIGINT, 19, 0);
        return rs;
    }
}
