package dev.lattice.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * Applies a logged transaction's row changes inside the JVM of a replica that is an H2 server, as
 * the applier does for an embedded replica: below SQL where {@link DirectApply} can, so the table's
 * own triggers do not run a second time there, and in one call per transaction instead of one
 * statement per row. The applier calls it through the alias {@code LATTICE.APPLY_ROWS}, which it
 * can create only where the server has the Lattice driver jar on its classpath.
 */
public final class ServerSideApply {

    static final String ALIAS = "LATTICE.APPLY_ROWS";

    private ServerSideApply() {
    }

    /**
     * The call that applies a transaction on this replica, or null for an embedded replica, which
     * the applier writes below SQL itself.
     *
     * @throws SQLException where the server cannot create the alias: it lacks the Lattice classes, or
     *     the replica's user may not create it
     */
    static PreparedStatement prepare(Connection replica) throws SQLException {
        if (replica.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal) {
            return null;
        }
        try (Statement s = replica.createStatement()) {
            s.execute("CREATE ALIAS IF NOT EXISTS " + ALIAS + " FOR '" + ServerSideApply.class.getName() + ".applyRows'");
        }
        return replica.prepareStatement("CALL " + ALIAS + "(?)");
    }

    /** Sends the transaction's row changes to the replica's server, in the replica's open transaction. */
    static void call(PreparedStatement apply, LoggedTransaction tx) throws SQLException {
        apply.setBytes(1, LogCodec.encode(tx));
        apply.execute();
    }

    /**
     * The alias's body, run by the replica's server in the applier's session: the changes as
     * {@link LogCodec} encoded them, in order.
     *
     * @return how many row changes it applied
     */
    public static int applyRows(Connection session, byte[] payload) throws SQLException {
        LoggedTransaction tx = LogCodec.decode(0, 0, payload);
        Map<TableId, TableApply> tables = new HashMap<>();
        try {
            for (RowChange change : tx.changes()) {
                TableApply table = tables.get(change.table());
                if (table == null) {
                    DirectApply direct = DirectApply.of(session, change.table());
                    table = direct != null ? direct : TableShape.load(session, session, change.table());
                    tables.put(change.table(), table);
                }
                table.apply(change);
            }
        } finally {
            tables.values().forEach(TableApply::close);
        }
        return tx.changes().size();
    }
}
