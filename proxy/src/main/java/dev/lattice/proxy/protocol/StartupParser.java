package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an untyped start-up packet: StartupMessage, SSLRequest, GSSENCRequest or CancelRequest,
 * as strictly as PostgreSQL's ProcessStartupPacket: name/value strings, then one terminating zero
 * byte that must be the packet's last; protocol 3.x for any minor version (the client is then told
 * 3.0 with NegotiateProtocolVersion); the request codes with their exact lengths.
 */
final class StartupParser {

    static final int PROTOCOL_3 = 196608;
    static final int SSL_REQUEST = 80877103;
    static final int CANCEL_REQUEST = 80877102;
    static final int GSSENC_REQUEST = 80877104;
    /** Options of protocol extensions a client may ask for; PostgreSQL 15 knows none of them. */
    private static final String PROTOCOL_OPTION_PREFIX = "_pq_.";

    private StartupParser() {
    }

    /** @param packet the packet after its length word */
    static FrontendMessage parse(ByteBuf packet) {
        int length = packet.readableBytes() + 4;
        int code = Bytes.int32(packet);
        switch (code) {
            case SSL_REQUEST, GSSENC_REQUEST -> {
                exactLength(length, 8);
                return code == SSL_REQUEST ? new FrontendMessage.SslRequest() : new FrontendMessage.GssEncRequest();
            }
            case CANCEL_REQUEST -> {
                exactLength(length, 16);
                return new FrontendMessage.CancelRequest(Bytes.int32(packet), Bytes.int32(packet));
            }
            default -> {
                if (code >>> 16 != 3) {
                    throw new ProtocolException("0A000", "unsupported frontend protocol " + (code >>> 16) + "."
                            + (code & 0xFFFF) + ": server supports 3.0 to 3.0");
                }
                return startup(packet, code & 0xFFFF);
            }
        }
    }

    private static FrontendMessage.Startup startup(ByteBuf packet, int minorVersion) {
        Map<String, String> params = new LinkedHashMap<>();
        List<String> unsupported = new ArrayList<>(0);
        try {
            while (packet.readableBytes() > 0 && packet.getByte(packet.readerIndex()) != 0) {
                String name = Bytes.cstring(packet);
                if (!packet.isReadable()) {
                    throw layout();
                }
                String value = Bytes.cstring(packet);
                if (name.startsWith(PROTOCOL_OPTION_PREFIX)) {
                    unsupported.add(name);
                } else {
                    params.put(name, value);
                }
            }
        } catch (ProtocolException e) {
            if (!"08P01".equals(e.sqlState())) {
                throw e;
            }
            throw layout();
        }
        if (packet.readableBytes() != 1) {
            throw layout();
        }
        packet.skipBytes(1);
        return new FrontendMessage.Startup(params, minorVersion, List.copyOf(unsupported));
    }

    private static void exactLength(int length, int expected) {
        if (length != expected) {
            throw new ProtocolException("invalid length of startup packet: " + length);
        }
    }

    private static ProtocolException layout() {
        return new ProtocolException("invalid startup packet layout: expected terminator as last byte");
    }
}
