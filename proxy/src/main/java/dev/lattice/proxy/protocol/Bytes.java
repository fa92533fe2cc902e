package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reading the protocol's primitive fields from a frame, each checked against the frame's end, with
 * PostgreSQL's messages (08P01); text must be valid UTF-8 (22021), checked by one linear scan.
 */
final class Bytes {

    private Bytes() {
    }

    static String cstring(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolException("invalid string in message");
        }
        Utf8.check(buf, buf.readerIndex(), end);
        String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(end + 1);
        return s;
    }

    static int int32(ByteBuf buf) {
        need(buf, 4);
        return buf.readInt();
    }

    static short int16(ByteBuf buf) {
        need(buf, 2);
        return buf.readShort();
    }

    static byte int8(ByteBuf buf) {
        need(buf, 1);
        return buf.readByte();
    }

    static byte[] bytes(ByteBuf buf, int n) {
        if (n < 0) {
            throw new ProtocolException("invalid length " + n + " in message");
        }
        need(buf, n);
        byte[] b = new byte[n];
        buf.readBytes(b);
        return b;
    }

    static void need(ByteBuf buf, int n) {
        if (buf.readableBytes() < n) {
            throw new ProtocolException("insufficient data left in message");
        }
    }
}
