package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes backend messages of protocol v3 into a buffer: one method per message. */
public final class BackendMessages {

    private BackendMessages() {
    }

    /** Starts a message of this type; {@link #end} fills in its length. */
    public static int begin(ByteBuf out, char type) {
        out.writeByte(type);
        int at = out.writerIndex();
        out.writeInt(0);
        return at;
    }

    public static void end(ByteBuf out, int lengthAt) {
        out.setInt(lengthAt, out.writerIndex() - lengthAt);
    }

    public static void cstring(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeByte(0);
    }

    public static void authentication(ByteBuf out, int code, byte[] data) {
        int at = begin(out, 'R');
        out.writeInt(code);
        if (data != null) {
            out.writeBytes(data);
        }
        end(out, at);
    }

    public static void authenticationOk(ByteBuf out) {
        authentication(out, 0, null);
    }

    public static void parameterStatus(ByteBuf out, String name, String value) {
        int at = begin(out, 'S');
        cstring(out, name);
        cstring(out, value);
        end(out, at);
    }

    /** NegotiateProtocolVersion: the newest minor version of 3 the server speaks, and the options it does not know. */
    public static void negotiateProtocolVersion(ByteBuf out, int newestMinor, java.util.List<String> unsupported) {
        int at = begin(out, 'v');
        out.writeInt(newestMinor);
        out.writeInt(unsupported.size());
        for (String option : unsupported) {
            cstring(out, option);
        }
        end(out, at);
    }

    public static void backendKeyData(ByteBuf out, int processId, int secret) {
        int at = begin(out, 'K');
        out.writeInt(processId);
        out.writeInt(secret);
        end(out, at);
    }

    public static void readyForQuery(ByteBuf out, char status) {
        int at = begin(out, 'Z');
        out.writeByte(status);
        end(out, at);
    }

    /** ErrorResponse ('E') or NoticeResponse ('N'). */
    public static void errorOrNotice(ByteBuf out, char type, String severity, String sqlState, String message) {
        int at = begin(out, type);
        out.writeByte('S');
        cstring(out, severity);
        out.writeByte('V');
        cstring(out, severity);
        out.writeByte('C');
        cstring(out, sqlState == null || sqlState.length() != 5 ? "XX000" : sqlState);
        out.writeByte('M');
        cstring(out, message == null ? "" : message);
        out.writeByte(0);
        end(out, at);
    }

    public static void error(ByteBuf out, String sqlState, String message) {
        errorOrNotice(out, 'E', "ERROR", sqlState, message);
    }

    public static void fatal(ByteBuf out, String sqlState, String message) {
        errorOrNotice(out, 'E', "FATAL", sqlState, message);
    }

    public static void notice(ByteBuf out, String sqlState, String message) {
        errorOrNotice(out, 'N', "WARNING", sqlState, message);
    }

    public static void commandComplete(ByteBuf out, String tag) {
        int at = begin(out, 'C');
        cstring(out, tag);
        end(out, at);
    }

    /** CopyInResponse ('G') or CopyOutResponse ('H') of a COPY in text format (CSV included). */
    public static void copyResponse(ByteBuf out, char type, int columns) {
        int at = begin(out, type);
        out.writeByte(0);
        out.writeShort(columns);
        for (int i = 0; i < columns; i++) {
            out.writeShort(0);
        }
        end(out, at);
    }

    public static void emptyQueryResponse(ByteBuf out) {
        end(out, begin(out, 'I'));
    }

    public static void parseComplete(ByteBuf out) {
        end(out, begin(out, '1'));
    }

    public static void bindComplete(ByteBuf out) {
        end(out, begin(out, '2'));
    }

    public static void closeComplete(ByteBuf out) {
        end(out, begin(out, '3'));
    }

    public static void noData(ByteBuf out) {
        end(out, begin(out, 'n'));
    }

    public static void portalSuspended(ByteBuf out) {
        end(out, begin(out, 's'));
    }

    public static void parameterDescription(ByteBuf out, int[] oids) {
        int at = begin(out, 't');
        out.writeShort(oids.length);
        for (int oid : oids) {
            out.writeInt(oid);
        }
        end(out, at);
    }
}
