package dev.lattice.proxy.session;

import dev.lattice.proxy.copy.CopyException;
import dev.lattice.proxy.pgsql.PgErrors;
import dev.lattice.proxy.protocol.BackendMessages;
import io.netty.buffer.ByteBuf;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * ErrorResponse for a failure: a PostgreSQL node's own error keeps every field the server sent
 * (SQLState, message, detail, hint, position, where, schema/table/column/constraint names);
 * H2's errors read as PostgreSQL's ({@link PgErrors}); Lattice's carry their SQLState and message.
 */
final class ServerErrors {

    private ServerErrors() {
    }

    static void write(ByteBuf out, SQLException e) {
        String where = null;
        if (e instanceof CopyException c) {
            where = c.context();
            e = c.failure();
        }
        ServerErrorMessage m = serverMessage(e);
        if (m == null) {
            PgErrors.PgError pg = PgErrors.of(e);
            if (pg == null && where == null) {
                BackendMessages.error(out, SqlStates.of(e), e.getMessage());
                return;
            }
            int at = BackendMessages.begin(out, 'E');
            field(out, 'S', "ERROR");
            field(out, 'V', "ERROR");
            field(out, 'C', pg == null ? SqlStates.of(e) : pg.sqlState());
            field(out, 'M', pg == null ? e.getMessage() : pg.message());
            field(out, 'D', pg == null ? null : pg.detail());
            field(out, 'W', where);
            out.writeByte(0);
            BackendMessages.end(out, at);
            return;
        }
        int at = BackendMessages.begin(out, 'E');
        field(out, 'S', "ERROR");
        field(out, 'V', "ERROR");
        field(out, 'C', m.getSQLState());
        field(out, 'M', m.getMessage() == null ? "" : m.getMessage());
        field(out, 'D', m.getDetail());
        field(out, 'H', m.getHint());
        if (m.getPosition() > 0) {
            field(out, 'P', Integer.toString(m.getPosition()));
        }
        if (m.getInternalPosition() > 0) {
            field(out, 'p', Integer.toString(m.getInternalPosition()));
        }
        field(out, 'q', m.getInternalQuery());
        field(out, 'W', m.getWhere());
        field(out, 's', m.getSchema());
        field(out, 't', m.getTable());
        field(out, 'c', m.getColumn());
        field(out, 'd', m.getDatatype());
        field(out, 'n', m.getConstraint());
        field(out, 'F', m.getFile());
        if (m.getLine() > 0) {
            field(out, 'L', Integer.toString(m.getLine()));
        }
        field(out, 'R', m.getRoutine());
        out.writeByte(0);
        BackendMessages.end(out, at);
    }

    /** The server's error behind this failure, when the failure is that error (same SQLState). */
    private static ServerErrorMessage serverMessage(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                ServerErrorMessage m = p.getServerErrorMessage();
                return m.getSQLState() != null && m.getSQLState().equals(e.getSQLState()) ? m : null;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static void field(ByteBuf out, char code, String value) {
        if (value != null) {
            out.writeByte(code);
            BackendMessages.cstring(out, value);
        }
    }
}
