package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an untyped start-up packet: StartupMessage, SSLRequest, GSSENCRequest or CancelRequest. */
final class StartupParser {

    static final int PROTOCOL_3 = 196608;
    static final int SSL_REQUEST = 80877103;
    static final int CANCEL_REQUEST = 80877102;
    static final int GSSENC_REQUEST = 80877104;

    private StartupParser() {
    }

    static FrontendMessage parse(ByteBuf packet) {
        int code = Bytes.int32(packet);
        switch (code) {
            case SSL_REQUEST -> {
                return new FrontendMessage.SslRequest();
            }
            case GSSENC_REQUEST -> {
                return new FrontendMessage.GssEncRequest();
            }
            case CANCEL_REQUEST -> {
                return new FrontendMessage.CancelRequest(Bytes.int32(packet), Bytes.int32(packet));
            }
            case PROTOCOL_3 -> {
                Map<String, String> params = new LinkedHashMap<>();
                while (packet.isReadable()) {
                    String key = Bytes.cstring(packet);
                    if (key.isEmpty()) {
                        break;
                    }
                    params.put(key, Bytes.cstring(packet));
                }
                return new FrontendMessage.Startup(params);
            }
            default -> throw new ProtocolException("0A000", "unsupported frontend protocol " + (code >>> 16) + "."
                    + (code & 0xFFFF) + ": server supports 3.0");
        }
    }
}
