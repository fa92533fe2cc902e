package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A replica's record of what it has applied, {@code LATTICE.APPLIED}: updated in the same H2
 * transaction as the changes it counts, so it never runs ahead of the data. A DDL statement
 * cannot share a transaction in H2, so it is bracketed by {@code DDL_LSN}: a replica that finds
 * it set on start does not know whether the DDL ran and is rebuilt.
 */
final class AppliedLsn {

    private AppliedLsn() {
    }

    static void create(Statement s, long lsn) throws SQLException {
        s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
        s.execute("CREATE TABLE IF NOT EXISTS LATTICE.APPLIED(ID INT PRIMARY KEY, LSN BIGINT NOT NULL, DDL_LSN BIGINT)");
        s.execute("MERGE INTO LATTICE.APPLIED KEY(ID) VALUES (1, " + lsn + ", NULL)");
    }

    /** The applied LSN, or -1 when the replica has no record or a DDL was cut off mid-way. */
    static long read(Connection replica) throws SQLException {
        if (!exists(replica)) {
            return -1;
        }
        try (Statement s = replica.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT LSN, DDL_LSN FROM LATTICE.APPLIED WHERE ID = 1")) {
                if (!rs.next()) {
                    return -1;
                }
                long lsn = rs.getLong(1);
                rs.getLong(2);
                return rs.wasNull() ? lsn : -1;
            }
        }
    }

    /** Whether the replica has the record table at all (a new replica has not). */
    static boolean exists(Connection replica) throws SQLException {
        try (Statement s = replica.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                     + "WHERE UPPER(TABLE_SCHEMA) = 'LATTICE' AND UPPER(TABLE_NAME) = 'APPLIED'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    static PreparedStatement prepareUpdate(Connection replica) throws SQLException {
        return replica.prepareStatement("UPDATE LATTICE.APPLIED SET LSN = ?, DDL_LSN = NULL WHERE ID = 1");
    }

    static void markDdl(Connection replica, long lsn) throws SQLException {
        try (Statement s = replica.createStatement()) {
            s.executeUpdate("UPDATE LATTICE.APPLIED SET DDL_LSN = " + lsn + " WHERE ID = 1");
        }
        replica.commit();
    }
}
