package dev.lattice.proxy.session;

import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.protocol.Outbound;
import dev.lattice.proxy.protocol.Outbound.ClientGoneException;
import dev.lattice.routing.Session;
import dev.lattice.sql.analysis.StatementAnalysis;
import io.netty.buffer.ByteBuf;
import java.sql.SQLException;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOperation;
import org.postgresql.copy.CopyOut;

/**
 * {@code COPY … FROM STDIN} and {@code COPY … TO STDOUT} in front of a PostgreSQL cluster,
 * streamed through pgjdbc's CopyManager one CopyData message at a time. COPY FROM is a write:
 * it runs on the primary inside the session's transaction (one of its own in autocommit, whose
 * commit gives the session its W as any write's does).
 */
final class CopyRelay {

    /** Which way a COPY statement moves data through the client connection. */
    enum Direction { IN, OUT }

    /**
     * For a COPY statement: FROM STDIN, TO STDOUT, or null (a server-side file COPY is an
     * ordinary statement). A single pass, no regular expression: the text is the client's.
     */
    static Direction direction(String sql) {
        int n = sql.length();
        int i = 0;
        int depth = 0;
        String previous = null;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (sql.charAt(end) == c) {
                        if (end + 1 < n && sql.charAt(end + 1) == c) {
                            end += 2; // a doubled quote inside the quotes
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                i = end + 1;
                previous = null;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                depth--;
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
                if (depth == 0 && "FROM".equals(previous) && word.equals("STDIN")) {
                    return Direction.IN;
                }
                if (depth == 0 && "TO".equals(previous) && word.equals("STDOUT")) {
                    return Direction.OUT;
                }
                previous = word;
            } else {
                if (!Character.isWhitespace(c)) {
                    previous = null;
                }
                i++;
            }
        }
        return null;
    }

    /** Starts COPY FROM STDIN on the primary and answers CopyInResponse; CopyData follows. */
    static dev.lattice.proxy.copy.CopyIn beginIn(Session session, StatementAnalysis analysis, String sql, ByteBuf out)
            throws SQLException {
        boolean ownTransaction = session.effectiveAutoCommit();
        if (ownTransaction) {
            session.begin(null, null);
        }
        CopyIn in;
        try {
            in = session.executeOnPrimary(analysis, sql,
                    (node, index) -> node.unwrap(PGConnection.class).getCopyAPI().copyIn(sql));
        } catch (SQLException e) {
            if (ownTransaction) {
                session.rollback();
            }
            throw e;
        }
        response(out, 'G', in);
        return new ServerCopyIn(session, in, ownTransaction);
    }

    /** The server's COPY FROM STDIN, fed through pgjdbc. */
    private static final class ServerCopyIn implements dev.lattice.proxy.copy.CopyIn {
        private final Session session;
        private final CopyIn in;
        private boolean ownTransaction;

        ServerCopyIn(Session session, CopyIn in, boolean ownTransaction) {
            this.session = session;
            this.in = in;
            this.ownTransaction = ownTransaction;
        }

        @Override
        public void data(byte[] bytes) throws SQLException {
            in.writeToCopy(bytes, 0, bytes.length);
        }

        /** CopyDone: the rows are in; the commit of the COPY's own transaction gives W. Returns the tag. */
        @Override
        public String done() throws SQLException {
            long rows;
            try {
                rows = in.endCopy();
            } catch (SQLException e) {
                endOwnTransaction(false);
                throw e;
            }
            endOwnTransaction(true);
            return "COPY " + rows;
        }

        @Override
        public void fail() {
            try {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            } catch (SQLException ignored) {
                // the server ended the copy already
            }
            try {
                endOwnTransaction(false);
            } catch (SQLException ignored) {
                // the connection is reset by the engine when broken
            }
        }

        private void endOwnTransaction(boolean commit) throws SQLException {
            if (!ownTransaction) {
                return;
            }
            ownTransaction = false;
            if (commit) {
                session.commit();
            } else {
                session.rollback();
            }
        }
    }

    /** COPY TO STDOUT: CopyOutResponse, then the server's CopyData as it comes, then CopyDone. Returns the tag. */
    static String out(Session session, StatementAnalysis analysis, String sql, Outbound out) throws SQLException {
        long rows = session.execute(analysis, sql, (node, index) -> {
            CopyOut copy = node.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
            try {
                response(out.buf(), 'H', copy);
                byte[] chunk;
                while ((chunk = copy.readFromCopy()) != null) {
                    ByteBuf buf = out.buf();
                    int at = BackendMessages.begin(buf, 'd');
                    buf.writeBytes(chunk);
                    BackendMessages.end(buf, at);
                    out.pushIfLarge();
                }
            } catch (ClientGoneException e) {
                copy.cancelCopy();
                throw new SQLException("the client went away during COPY TO STDOUT", "08006", e);
            }
            BackendMessages.end(out.buf(), BackendMessages.begin(out.buf(), 'c'));
            return copy.getHandledRowCount();
        });
        return "COPY " + rows;
    }

    private static void response(ByteBuf out, char type, CopyOperation copy) {
        int at = BackendMessages.begin(out, type);
        out.writeByte(copy.getFormat());
        int n = copy.getFieldCount();
        out.writeShort(n);
        for (int i = 0; i < n; i++) {
            out.writeShort(copy.getFieldFormat(i));
        }
        BackendMessages.end(out, at);
    }
}
