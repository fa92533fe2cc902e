package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change log as a table of the primary, {@code LATTICE.LOG}. An entry is inserted inside the
 * transaction it describes, so it is exactly as durable as the data: a file-backed primary that
 * restarts has every acknowledged transaction in its log.
 *
 * <p>DDL cannot share a transaction with its entry (H2 commits around it), so it is bracketed by
 * an intent, {@code LATTICE.DDL_INTENT}, committed before the DDL runs and deleted in the commit
 * of its entry. A primary opened with an intent left over was stopped between the two: whether
 * the DDL ran is unknown, so the log gets a resynchronisation in its place and every replica is
 * rebuilt from the primary's snapshot when it reaches it. Primary and replicas then agree on the
 * schema whatever step a crash interrupted.
 */
public final class DurableLog {

    private static final Logger LOG = LoggerFactory.getLogger(DurableLog.class);

    public static final String INSERT = "INSERT INTO LATTICE.LOG(LSN, COMMITTED_AT, PAYLOAD) VALUES (?, ?, ?)";

    /** Tests only: false shows what a DDL cut off by a crash does to replicas without its intent. */
    static volatile boolean recoversDdlIntent = true;

    /**
     * Creates the log tables if needed, replaces a DDL cut off by a crash with a resynchronisation,
     * and returns the highest LSN the log holds (0 if none).
     */
    public long open(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
            s.execute("CREATE TABLE IF NOT EXISTS LATTICE.LOG(LSN BIGINT PRIMARY KEY, "
                    + "COMMITTED_AT BIGINT NOT NULL, PAYLOAD VARBINARY NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS LATTICE.DDL_INTENT(LSN BIGINT PRIMARY KEY, DDL VARCHAR NOT NULL)");
            long max;
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(LSN), 0) FROM LATTICE.LOG")) {
                rs.next();
                max = rs.getLong(1);
            }
            String cutOff = null;
            try (ResultSet rs = s.executeQuery("SELECT DDL FROM LATTICE.DDL_INTENT ORDER BY LSN")) {
                if (rs.next()) {
                    cutOff = rs.getString(1);
                }
            }
            if (cutOff != null && recoversDdlIntent) {
                LOG.warn("A DDL statement was cut off before its log record; it may or may not have run on the primary, "
                        + "so every replica is rebuilt from the primary at LSN {}: {}", max + 1, cutOff);
                LoggedTransaction resync = LoggedTransaction.resync(max + 1, System.currentTimeMillis());
                try (PreparedStatement insert = primary.prepareStatement(INSERT)) {
                    append(insert, resync, LogCodec.encode(resync));
                }
                s.execute("DELETE FROM LATTICE.DDL_INTENT");
                max++;
            }
            if (!primary.getAutoCommit()) {
                primary.commit();
            }
            return max;
        }
    }

    /**
     * Records, and commits, that DDL is about to run: under the key of the LSN it would get, or of a
     * negative number for a statement Lattice could not read, which may change the schema.
     */
    void intendDdl(Connection primary, long key, String ddl) throws SQLException {
        try (PreparedStatement ps = primary.prepareStatement("INSERT INTO LATTICE.DDL_INTENT(LSN, DDL) VALUES (?, ?)")) {
            ps.setLong(1, key);
            ps.setString(2, ddl);
            ps.executeUpdate();
        }
        primary.commit();
    }

    /** Removes an intent inside the transaction that commits the DDL's entry, or after the DDL failed. */
    void clearDdlIntent(Connection primary, long key) throws SQLException {
        try (PreparedStatement ps = primary.prepareStatement("DELETE FROM LATTICE.DDL_INTENT WHERE LSN = ?")) {
            ps.setLong(1, key);
            ps.executeUpdate();
        }
    }

    /** Lowest LSN still stored, or Long.MAX_VALUE when the table is empty. */
    public long oldest(Connection reader) throws SQLException {
        try (Statement s = reader.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(LSN) FROM LATTICE.LOG")) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? Long.MAX_VALUE : min;
        }
    }

    /** Appends an entry on the writing transaction's own connection; the caller commits. */
    void append(PreparedStatement insert, LoggedTransaction tx, byte[] payload) throws SQLException {
        insert.setLong(1, tx.lsn());
        insert.setLong(2, tx.commitMillis());
        insert.setBytes(3, payload);
        insert.executeUpdate();
    }

    /** Reads up to max entries from fromLsn on, in LSN order. */
    public List<LoggedTransaction> read(Connection reader, long fromLsn, int max) throws SQLException {
        List<LoggedTransaction> out = new ArrayList<>();
        try (PreparedStatement ps = reader.prepareStatement(
                "SELECT LSN, COMMITTED_AT, PAYLOAD FROM LATTICE.LOG WHERE LSN >= ? ORDER BY LSN FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, fromLsn);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(LogCodec.decode(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
                }
            }
        }
        return out;
    }

    /** Deletes the entries up to and including the LSN, keeping the newest one always. */
    public int truncate(Connection writer, long upToLsn) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(
                "DELETE FROM LATTICE.LOG WHERE LSN <= ? AND LSN < (SELECT MAX(LSN) FROM LATTICE.LOG)")) {
            ps.setLong(1, upToLsn);
            int n = ps.executeUpdate();
            if (!writer.getAutoCommit()) {
                writer.commit();
            }
            return n;
        }
    }
}
