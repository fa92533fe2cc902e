package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one typed frontend message from its frame. An unknown type is a protocol error that ends
 * the connection; a known type whose body does not fit its frame is {@link FrontendMessage.Malformed}.
 */
final class MessageParser {

    private MessageParser() {
    }

    /** @param syncFollows whether the next message (already received) is a Sync */
    static FrontendMessage parse(byte type, ByteBuf body, boolean syncFollows) {
        if (!known(type)) {
            throw new ProtocolException("invalid frontend message type " + (type & 0xFF));
        }
        try {
            return parseKnown(type, body, syncFollows);
        } catch (ProtocolException e) {
            return new FrontendMessage.Malformed(type, e.sqlState(), e.getMessage());
        }
    }

    private static boolean known(byte type) {
        return switch (type) {
            case 'Q', 'P', 'B', 'D', 'E', 'C', 'S', 'H', 'X', 'p', 'd', 'c', 'f' -> true;
            default -> false;
        };
    }

    private static FrontendMessage parseKnown(byte type, ByteBuf body, boolean syncFollows) {
        FrontendMessage message = switch (type) {
            case 'Q' -> new FrontendMessage.Query(Bytes.cstring(body));
            case 'P' -> parseStatement(body);
            case 'B' -> bind(body);
            case 'D' -> new FrontendMessage.Describe(target(body), Bytes.cstring(body));
            case 'E' -> new FrontendMessage.Execute(Bytes.cstring(body), Bytes.int32(body), syncFollows);
            case 'C' -> new FrontendMessage.Close(target(body), Bytes.cstring(body));
            case 'S' -> new FrontendMessage.Sync();
            case 'H' -> new FrontendMessage.Flush();
            case 'X' -> {
                body.skipBytes(body.readableBytes()); // PostgreSQL does not look inside a Terminate
                yield new FrontendMessage.Terminate();
            }
            case 'd' -> new FrontendMessage.CopyData(Bytes.bytes(body, body.readableBytes()));
            case 'c' -> new FrontendMessage.CopyDone();
            case 'f' -> new FrontendMessage.CopyFail(Bytes.cstring(body));
            case 'p' -> new FrontendMessage.Password(Bytes.bytes(body, body.readableBytes()));
            default -> throw new IllegalStateException("not a known type: " + type);
        };
        if (body.isReadable()) {
            throw new ProtocolException("invalid message format");
        }
        return message;
    }

    private static byte target(ByteBuf body) {
        byte target = Bytes.int8(body);
        if (target != 'S' && target != 'P') {
            throw new ProtocolException("invalid Describe/Close target '" + (char) target + "'");
        }
        return target;
    }

    private static FrontendMessage.Parse parseStatement(ByteBuf body) {
        String name = Bytes.cstring(body);
        String sql = Bytes.cstring(body);
        int n = count(body, 4);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = Bytes.int32(body);
        }
        return new FrontendMessage.Parse(name, sql, types);
    }

    private static FrontendMessage.Bind bind(ByteBuf body) {
        String portal = Bytes.cstring(body);
        String statement = Bytes.cstring(body);
        short[] formats = formats(body);
        int n = count(body, 4);
        List<byte[]> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = Bytes.int32(body);
            values.add(length == -1 ? null : Bytes.bytes(body, length));
        }
        return new FrontendMessage.Bind(portal, statement, formats, values, formats(body));
    }

    private static short[] formats(ByteBuf body) {
        int n = count(body, 2);
        short[] formats = new short[n];
        for (int i = 0; i < n; i++) {
            formats[i] = Bytes.int16(body);
            if (formats[i] != 0 && formats[i] != 1) {
                throw new ProtocolException("invalid format code " + formats[i]);
            }
        }
        return formats;
    }

    /** A count of following items, each at least {@code minSize} bytes: checked against what is left. */
    private static int count(ByteBuf body, int minSize) {
        int n = Bytes.int16(body) & 0xFFFF;
        Bytes.need(body, n * minSize);
        return n;
    }
}
