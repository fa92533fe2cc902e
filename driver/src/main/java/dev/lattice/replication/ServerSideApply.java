package dev.lattice.replication;

import dev.lattice.cluster.EmbeddedSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a logged transaction's row changes inside the JVM of a replica that is an H2 server, as
 * the applier does for an embedded replica: below SQL where {@link DirectApply} can, so the table's
 * own triggers do not run a second time there, and in one call per applied batch of transactions
 * instead of one statement per row. The applier calls it through the alias {@code LATTICE.APPLY_ROWS}, which it
 * can create only where the server has the Lattice driver jar on its classpath.
 */
public final class ServerSideApply {

    static final String ALIAS = "LATTICE.APPLY_ROWS";
    /** The form of a call's bytes: a server with another Lattice jar refuses them instead of misreading them. */
    private static final int FORMAT = 1;
    /** Tests only: the form this applier sends, to play an applier of another version. */
    static volatile int sentFormat = FORMAT;
    /** Tests only: false skips the trial call, as before (a server of another version then fails every batch). */
    static volatile boolean tries = true;

    private ServerSideApply() {
    }

    /**
     * The call that applies a transaction on this replica, or null for an embedded replica, which
     * the applier writes below SQL itself. The call is tried once with no transaction in it, so a
     * server whose Lattice jar reads another form is found here, before any transaction depends on it.
     *
     * @throws SQLException where the server cannot create the alias (it lacks the Lattice classes, or
     *     the replica's user may not create it) or cannot read this applier's calls (another version)
     */
    static PreparedStatement prepare(Connection replica) throws SQLException {
        if (EmbeddedSession.of(replica) != null) {
            return null;
        }
        try (Statement s = replica.createStatement()) {
            s.execute("CREATE ALIAS IF NOT EXISTS " + ALIAS + " FOR '" + ServerSideApply.class.getName() + ".applyRows'");
        }
        PreparedStatement apply = replica.prepareStatement("CALL " + ALIAS + "(?)");
        try {
            if (tries) {
                call(apply, List.of());
            }
        } catch (SQLException e) {
            apply.close();
            throw e;
        }
        return apply;
    }

    /**
     * Sends the transactions' row changes to the replica's server in one call, in the replica's open
     * transaction: the call's format, their count, then each one's LSN, and its length and bytes as
     * {@link LogCodec} encodes it.
     */
    static void call(PreparedStatement apply, List<LoggedTransaction> txs) throws SQLException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 * txs.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(sentFormat);
            out.writeInt(txs.size());
            for (LoggedTransaction tx : txs) {
                byte[] payload = LogCodec.encode(tx);
                out.writeLong(tx.lsn());
                out.writeInt(payload.length);
                out.write(payload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        apply.setBytes(1, bytes.toByteArray());
        apply.execute();
    }

    /**
     * The alias's body, run by the replica's server in the applier's session: the transactions
     * {@link #call} sent, in order.
     *
     * @return how many row changes it applied
     */
    public static int applyRows(Connection session, byte[] payload) throws SQLException {
        Map<TableId, TableApply> tables = new HashMap<>();
        int rows = 0;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new SQLException(ALIAS + " got transactions in form " + format + " from the applier, and reads only "
                        + "form " + FORMAT + ": the replica server's Lattice jar is not the applier's version", "XX000");
            }
            for (int n = in.readInt(); n > 0; n--) {
                long lsn = in.readLong();
                try {
                    for (RowChange change : LogCodec.decode(lsn, 0, in.readNBytes(in.readInt())).changes()) {
                        TableApply table = tables.get(change.table());
                        if (table == null) {
                            DirectApply direct = DirectApply.of(session, change.table());
                            table = direct != null ? direct : TableShape.load(session, session, change.table());
                            tables.put(change.table(), table);
                        }
                        table.apply(change);
                        rows++;
                    }
                } catch (SQLException e) {
                    // its SQLState tells the applier what to do (XX001: rebuild the replica)
                    throw new SQLException("LSN " + lsn + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
                }
            }
        } catch (IOException e) {
            throw new SQLException("Cannot read the transactions sent to " + ALIAS + ": " + e, "XX000", e);
        } finally {
            tables.values().forEach(TableApply::close);
        }
        return rows;
    }
}
