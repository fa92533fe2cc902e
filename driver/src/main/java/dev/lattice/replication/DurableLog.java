package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The change log as a table of the primary, {@code LATTICE.LOG}. An entry is inserted inside the
 * transaction it describes, so it is exactly as durable as the data: a file-backed primary that
 * restarts has every acknowledged transaction in its log.
 */
public final class DurableLog {

    public static final String INSERT = "INSERT INTO LATTICE.LOG(LSN, COMMITTED_AT, PAYLOAD) VALUES (?, ?, ?)";

    /** Creates the log table if needed and returns the highest LSN it holds (0 if none). */
    public long open(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS LATTICE");
            s.execute("CREATE TABLE IF NOT EXISTS LATTICE.LOG(LSN BIGINT PRIMARY KEY, "
                    + "COMMITTED_AT BIGINT NOT NULL, PAYLOAD VARBINARY NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(LSN), 0) FROM LATTICE.LOG")) {
                rs.next();
                long max = rs.getLong(1);
                if (!primary.getAutoCommit()) {
                    primary.commit();
                }
                return max;
            }
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
