package dev.lattice.replication;

import dev.lattice.cluster.EmbeddedSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;

/**
 * A replica's record of what it has applied, {@code LATTICE.APPLIED}: updated in the same H2
 * transaction as the changes it counts, so it never runs ahead of the data (on an in-memory
 * replica only with DDL and when the applier lets go of it, see {@link #inMemory}). A DDL statement
 * cannot share a transaction in H2, so it is bracketed by {@code DDL_LSN}: a replica that finds
 * it set on start does not know whether the DDL ran and is rebuilt. A second row, the open mark,
 * is there while an applier has the replica open: found on start, it says the last one ended
 * without closing it.
 */
final class AppliedLsn {

    /** The ID of the open mark's row. */
    private static final int OPEN_MARK = 2;

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

    /**
     * Whether the replica is an in-memory H2 database of this process: its rows last exactly as
     * long as the applier's memory of what it applied, so that memory can stand for the record
     * between the times it is written (see {@code ReplicaApplier.commitApplied}).
     */
    static boolean inMemory(Connection replica) throws SQLException {
        SessionLocal local = EmbeddedSession.of(replica);
        return local != null && !local.getDatabase().isPersistent();
    }

    /** Writes the applied LSN on a connection in autocommit (a DDL cut off stays marked). */
    static void write(Connection replica, long lsn) throws SQLException {
        try (Statement s = replica.createStatement()) {
            s.executeUpdate("UPDATE LATTICE.APPLIED SET LSN = " + lsn + " WHERE ID = 1");
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

    /**
     * Writes the applied LSN in the replica's open transaction.
     *
     * @param catalog another connection to the replica, to look the table up on
     */
    static Recorder recorder(Connection replica, Connection catalog) throws SQLException {
        PreparedStatement sql = replica.prepareStatement("UPDATE LATTICE.APPLIED SET LSN = ?, DDL_LSN = NULL WHERE ID = 1");
        try (Statement s = catalog.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                     + "WHERE UPPER(TABLE_SCHEMA) = 'LATTICE' AND UPPER(TABLE_NAME) = 'APPLIED'")) {
            // the names as the node folds them (the proxy's nodes fold to lower case)
            TableId table = rs.next() ? new TableId(rs.getString(1), rs.getString(2)) : null;
            return new Recorder(sql, table == null ? null : DirectApply.of(replica, table), table);
        } catch (SQLException | RuntimeException e) {
            sql.close();
            throw e;
        }
    }

    /**
     * The record's update: below SQL on an embedded replica (it comes with every commit the
     * applier makes on a file replica, so it costs as much as a row change), else a prepared UPDATE.
     */
    static final class Recorder {
        private static final Object[] RECORD_KEY = {1, null, null};
        private final PreparedStatement sql;
        private final DirectApply direct;
        private final TableId table;

        private Recorder(PreparedStatement sql, DirectApply direct, TableId table) {
            this.sql = sql;
            this.direct = direct;
            this.table = table;
        }

        void record(long lsn) throws SQLException {
            if (direct != null && direct.current()) {
                direct.apply(new RowChange(table, RowChange.Op.UPDATE, RECORD_KEY, new Object[] {1, lsn, null}));
            } else {
                sql.setLong(1, lsn);
                sql.executeUpdate();
            }
        }

        void close() throws SQLException {
            sql.close();
        }
    }

    /**
     * Whether an applier had the replica open and ended without closing it (its open mark is
     * there). Only for a replica that has its record ({@link #read} found one).
     */
    static boolean leftOpen(Connection replica) throws SQLException {
        try (Statement s = replica.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM LATTICE.APPLIED WHERE ID = " + OPEN_MARK)) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /**
     * Sets the open mark, on a connection in autocommit, and writes it to the replica's files at
     * once: a replica writes its commits every 500 ms (H2's WRITE_DELAY), and a kill before that
     * must not lose the mark while keeping applies made after it.
     */
    static void markOpen(Connection replica) throws SQLException {
        try (Statement s = replica.createStatement()) {
            s.execute("MERGE INTO LATTICE.APPLIED KEY(ID) VALUES (" + OPEN_MARK + ", 0, NULL)");
            try {
                s.execute("CHECKPOINT");
            } catch (SQLException notAdmin) {
                // a user without admin rights: the mark reaches the files with the next background write
            }
        }
    }

    /** Removes the open mark once the applier is done with the replica, on a connection in autocommit. */
    static void markClosed(Connection replica) throws SQLException {
        try (Statement s = replica.createStatement()) {
            s.executeUpdate("DELETE FROM LATTICE.APPLIED WHERE ID = " + OPEN_MARK);
        }
    }

    static void markDdl(Connection replica, long lsn) throws SQLException {
        try (Statement s = replica.createStatement()) {
            s.executeUpdate("UPDATE LATTICE.APPLIED SET DDL_LSN = " + lsn + " WHERE ID = 1");
        }
        replica.commit();
    }
}
