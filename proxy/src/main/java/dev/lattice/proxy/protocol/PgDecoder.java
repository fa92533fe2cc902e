package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the client's bytes: first untyped start-up packets (length, then code), then typed
 * messages (type byte, length) up to a maximum size. A frame that breaks these rules raises a
 * {@link ProtocolException} before its body is buffered, so a huge length prefix costs nothing.
 */
public final class PgDecoder extends ByteToMessageDecoder {

    /** Start-up packets are small; PostgreSQL itself caps them at 10000 bytes. */
    static final int MAX_STARTUP_LENGTH = 10_000;

    /**
     * Until the client has authenticated, a message may be this large at most (PostgreSQL's
     * PG_MAX_AUTH_TOKEN_LENGTH): a password or SASL message is small, and an unauthenticated
     * socket must not make the proxy buffer maxMessageSize bytes.
     */
    static final int MAX_AUTHENTICATION_MESSAGE = 65_535;

    private final int maxMessageSize;
    private final boolean tlsAvailable;
    private boolean authenticated;
    private boolean started;
    private boolean failed;

    public PgDecoder(int maxMessageSize) {
        this(maxMessageSize, false);
    }

    /**
     * @param tlsAvailable whether an SSLRequest is answered 'S': then bytes that arrived behind the
     *        SSLRequest, before the TLS handshake, are refused (they were not encrypted, and may have
     *        been injected by a man in the middle; PostgreSQL refuses them too, CVE-2021-23214)
     */
    public PgDecoder(int maxMessageSize, boolean tlsAvailable) {
        this.maxMessageSize = maxMessageSize;
        this.tlsAvailable = tlsAvailable;
    }

    /** The client has authenticated: from now on messages may be as large as maxMessageSize. */
    public void authenticated() {
        authenticated = true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (!started) {
                decodeStartup(in, out);
            } else {
                decodeTyped(in, out);
            }
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeStartup(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > MAX_STARTUP_LENGTH) {
            throw new ProtocolException("invalid length of startup packet: " + length);
        }
        if (in.readableBytes() < length) {
            return;
        }
        ByteBuf packet = in.readSlice(length);
        packet.skipBytes(4);
        FrontendMessage message = StartupParser.parse(packet);
        if (message instanceof FrontendMessage.Startup) {
            started = true;
        } else if (message instanceof FrontendMessage.SslRequest && tlsAvailable && in.isReadable()) {
            throw new ProtocolException("received unencrypted data after SSL request");
        }
        out.add(message);
    }

    private void decodeTyped(ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 5) {
            int start = in.readerIndex();
            byte type = in.getByte(start);
            int length = in.getInt(start + 1);
            if (length < 4) {
                throw new ProtocolException("invalid message length " + length + " for message type '" + (char) type + "'");
            }
            if (!authenticated && length - 4 > Math.min(maxMessageSize, MAX_AUTHENTICATION_MESSAGE)) {
                throw new ProtocolException("invalid message length " + length + " for message type '" + (char) type
                        + "' before authentication");
            }
            if (length - 4 > maxMessageSize) {
                throw new ProtocolException("54000", "message of " + length + " bytes is larger than the maximum of "
                        + maxMessageSize + " bytes (maxMessageSize)");
            }
            if (in.readableBytes() < length + 1) {
                return;
            }
            in.skipBytes(5);
            ByteBuf body = in.readSlice(length - 4);
            out.add(MessageParser.parse(type, body, in.isReadable() && in.getByte(in.readerIndex()) == 'S'));
        }
    }
}
