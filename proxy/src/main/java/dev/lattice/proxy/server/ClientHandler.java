package dev.lattice.proxy.server;

import dev.lattice.proxy.auth.Authenticator;
import dev.lattice.proxy.auth.Md5Authenticator;
import dev.lattice.proxy.auth.ScramAuthenticator;
import dev.lattice.proxy.auth.TrustAuthenticator;
import dev.lattice.proxy.auth.UserCredentials;
import dev.lattice.proxy.console.LiveSession;
import dev.lattice.proxy.protocol.BackendMessages;
import dev.lattice.proxy.protocol.FrontendMessage;
import dev.lattice.proxy.protocol.Outbound;
import dev.lattice.proxy.protocol.PgDecoder;
import dev.lattice.proxy.protocol.ProtocolException;
import dev.lattice.proxy.session.ClientSession;
import dev.lattice.proxy.session.PgSettings;
import dev.lattice.proxy.session.SqlStates;
import dev.lattice.routing.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the event loop: start-up, SSL negotiation, authentication, then
 * every message handed in order to the connection's worker, which runs its {@link ClientSession};
 * a message that waits for nothing (a point read a replica serves at once, a point write whose
 * commit waits for no replica) is handled on the event loop itself while the worker is idle.
 * Reading pauses while too many messages wait for the worker.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);
    /** Reading pauses while this many bytes of messages wait for the worker, bounding a connection's memory. */
    private static final long PAUSE_READING_AT = 1024 * 1024;
    private static final long RESUME_READING_AT = 256 * 1024;

    private enum Phase { STARTUP, AUTHENTICATING, READY, CLOSED }

    private final ProxyServer server;
    private final SerialExecutor worker;
    private final AtomicLong pendingBytes = new AtomicLong();
    private Phase phase = Phase.STARTUP;
    private boolean counted;
    /** Why this connection got no slot (connection limits), answered to its start-up; null if it got one. */
    private String refusal;
    private InetAddress address;
    private ScheduledFuture<?> authenticationTimer;
    private boolean tlsUp;
    private boolean sslRequested;
    private boolean gssEncRequested;
    private Authenticator authenticator;
    private Map<String, String> startup;
    private Channel channel;
    private Outbound out;
    private CancelRegistry.Key key;
    /** Written on the worker; read on the event loop only to cancel what it runs when the client goes. */
    private volatile ClientSession session;
    /** The console's view of the session: written and read by whoever holds the worker (its thread, or the event loop). */
    private LiveSession live;

    ClientHandler(ProxyServer server) {
        this.server = server;
        this.worker = new SerialExecutor(server.workers());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        out = new Outbound(channel);
        address = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        refusal = server.acquireConnection(address);
        counted = refusal == null;
        // As PostgreSQL's authentication_timeout: a connection that never completes start-up and
        // authentication (a silent socket holding a slot, a stalled TLS handshake) is closed.
        authenticationTimer = ctx.executor().schedule(() -> authenticationTimedOut(ctx),
                server.config().authenticationTimeoutSeconds(), TimeUnit.SECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        FrontendMessage m = (FrontendMessage) msg;
        switch (phase) {
            case STARTUP -> startup(ctx, m);
            case AUTHENTICATING -> authenticate(ctx, m);
            case READY -> ready(ctx, m);
            default -> {
            }
        }
    }

    private void authenticationTimedOut(ChannelHandlerContext ctx) {
        if (phase != Phase.STARTUP && phase != Phase.AUTHENTICATING) {
            return;
        }
        server.stats().authenticationTimeouts.increment();
        if (sslRequested && ctx.pipeline().get("tls") != null && !tlsUp) {
            // mid-handshake: nothing can be said in the clear
            phase = Phase.CLOSED;
            ctx.close();
            return;
        }
        fatal(ctx, "08P01", "canceling authentication due to timeout (authenticationTimeout "
                + server.config().authenticationTimeoutSeconds() + " s)");
    }

    private void startup(ChannelHandlerContext ctx, FrontendMessage m) {
        if (m instanceof FrontendMessage.SslRequest) {
            if (sslRequested) {
                // PostgreSQL takes a second SSLRequest for an unknown protocol version; TLS inside TLS is no use.
                server.stats().protocolErrors.increment();
                fatal(ctx, "08P01", "SSLRequest received twice: SSL negotiation is already done");
                return;
            }
            sslRequested = true;
            boolean tls = server.sslContext() != null;
            // The answer leaves in the clear (it is written before the TLS handler is in the pipeline);
            // everything after it, both ways, goes through TLS.
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(tls ? 'S' : 'N'));
            if (tls) {
                ctx.pipeline().addFirst("tls", server.sslContext().newHandler(ctx.alloc()));
            }
        } else if (m instanceof FrontendMessage.GssEncRequest) {
            if (gssEncRequested) {
                server.stats().protocolErrors.increment();
                fatal(ctx, "08P01", "GSSENCRequest received twice: GSSAPI negotiation is already done");
                return;
            }
            gssEncRequested = true;
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
        } else if (m instanceof FrontendMessage.CancelRequest c) {
            server.stats().cancelRequests.increment();
            server.cancels().cancel(c.processId(), c.secretKey());
            ctx.close();
        } else if (m instanceof FrontendMessage.Startup s) {
            if (refusal != null) {
                server.stats().rejected.increment();
                fatal(ctx, "53300", refusal);
                return;
            }
            startup = s.parameters();
            String user = startup.get("user");
            if (user == null || user.isEmpty()) {
                fatal(ctx, "28000", "no PostgreSQL user name specified in startup packet");
                return;
            }
            if (server.config().tlsRequired() && ctx.pipeline().get("tls") == null) {
                server.stats().authFailures.increment();
                fatal(ctx, "28000", "no pg_hba.conf entry for host \"" + (address == null ? "?" : address.getHostAddress())
                        + "\", user \"" + user + "\", database \"" + startup.getOrDefault("database", user)
                        + "\", no encryption (the proxy requires SSL: tls.required)");
                return;
            }
            UserCredentials credentials = server.config().users().get(user);
            authenticator = switch (server.config().authMethod()) {
                case TRUST -> new TrustAuthenticator();
                case MD5 -> new Md5Authenticator(user, credentials == null ? null : credentials.md5());
                case SCRAM_SHA_256 -> new ScramAuthenticator(user, credentials == null ? null : credentials.scram());
            };
            ByteBuf buf = ctx.alloc().buffer();
            if (s.needsNegotiation()) {
                // As PostgreSQL 15: protocol 3.0, none of the _pq_ options; the client decides whether to go on.
                BackendMessages.negotiateProtocolVersion(buf, 0, s.unsupportedOptions());
            }
            authenticator.start(buf);
            if (authenticator.done()) {
                authenticated(ctx, buf);
            } else {
                phase = Phase.AUTHENTICATING;
                ctx.writeAndFlush(buf);
            }
        } else {
            fatal(ctx, "08P01", "expected a startup message");
        }
    }

    private void authenticate(ChannelHandlerContext ctx, FrontendMessage m) {
        if (!(m instanceof FrontendMessage.Password p)) {
            server.stats().protocolErrors.increment();
            fatal(ctx, "08P01", "expected a password message during authentication, got "
                    + m.getClass().getSimpleName());
            return;
        }
        ByteBuf buf = ctx.alloc().buffer();
        try {
            if (authenticator.step(p.payload(), buf)) {
                authenticated(ctx, buf);
            } else {
                ctx.writeAndFlush(buf);
            }
        } catch (Authenticator.AuthenticationFailed e) {
            buf.release();
            server.stats().authFailures.increment();
            fatal(ctx, e.sqlState(), e.getMessage());
        }
    }

    private void authenticated(ChannelHandlerContext ctx, ByteBuf buf) {
        authenticationTimer.cancel(false);
        ctx.pipeline().get(PgDecoder.class).authenticated();
        BackendMessages.authenticationOk(buf);
        ctx.writeAndFlush(buf);
        phase = Phase.READY;
        key = server.cancels().newKey();
        String user = startup.get("user");
        Map<String, String> parameters = startup;
        worker.execute(() -> openSession(user, parameters));
    }

    /** On the worker: the engine session opens node connections, which may block. */
    private void openSession(String user, Map<String, String> parameters) {
        if (!channel.isActive()) {
            return;
        }
        try {
            PgSettings settings = new PgSettings(user);
            parameters.forEach(settings::startup);
            Session engine = new Session(server.cluster(), server.sessionOptions());
            session = new ClientSession(engine, out, settings, server.config().maxStatementLength(),
                    server.advisoryLocks(), server.atOnceStatements());
            server.stats().sessions.incrementAndGet();
            server.cancels().register(key, session, channel.eventLoop());
            live = server.liveSessions().open(user, channel.remoteAddress(), engine);
            session.start(key.processId(), key.secret());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not open a session for {}: {}", user, e.toString());
            LOG.debug("Could not open a session", e);
            ByteBuf buf = channel.alloc().buffer();
            BackendMessages.fatal(buf, e instanceof SQLException s ? SqlStates.of(s) : "XX000", String.valueOf(e.getMessage()));
            channel.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void ready(ChannelHandlerContext ctx, FrontendMessage m) {
        if (m instanceof FrontendMessage.Terminate) {
            // As PostgreSQL: what came before the Terminate is done first (a COMMIT sent with it
            // commits, a pipelined INSERT is not lost); nothing after it is read.
            phase = Phase.CLOSED;
            channel.config().setAutoRead(false);
            worker.enqueue(channel::close);
            return;
        }
        if (!(m instanceof FrontendMessage.Query || m instanceof FrontendMessage.Parse
                || m instanceof FrontendMessage.Bind || m instanceof FrontendMessage.Describe
                || m instanceof FrontendMessage.Execute || m instanceof FrontendMessage.Close
                || m instanceof FrontendMessage.Sync || m instanceof FrontendMessage.Flush
                || m instanceof FrontendMessage.CopyData || m instanceof FrontendMessage.CopyDone
                || m instanceof FrontendMessage.CopyFail || m instanceof FrontendMessage.Malformed)) {
            server.stats().protocolErrors.increment();
            fatal(ctx, "08P01", "unexpected " + m.getClass().getSimpleName() + " message after start-up");
            return;
        }
        ClientSession arrivedAt = session;
        if (arrivedAt != null) {
            arrivedAt.arrived(m);
            // What waits for nothing runs here, with no hand-off to a worker thread and back; not while
            // the client is behind in reading: its answers would pile up here, where nothing can wait.
            if (channel.isWritable() && worker.tryHold()) {
                try {
                    if (arrivedAt.handlesAtOnce(m) && run(arrivedAt, m, true)) {
                        return;
                    }
                } finally {
                    worker.release();
                }
            }
        }
        long weight = weight(m);
        if (pendingBytes.addAndGet(weight) >= PAUSE_READING_AT) {
            channel.config().setAutoRead(false);
            // The worker may have drained everything between the add and the pause: check again.
            if (pendingBytes.get() <= RESUME_READING_AT) {
                channel.config().setAutoRead(true);
            }
        }
        worker.enqueue(() -> {
            try {
                ClientSession s = session;
                if (s != null) {
                    run(s, m, false);
                }
            } finally {
                if (pendingBytes.addAndGet(-weight) <= RESUME_READING_AT && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                }
            }
        });
    }

    /**
     * Handles one message of the session, on its worker or (atOnce) on the event loop; false when
     * at once it turned out to need a wait, untouched, for the worker.
     */
    private boolean run(ClientSession s, FrontendMessage m, boolean atOnce) {
        if (!channel.isActive()) {
            return true;
        }
        try {
            LiveSession l = live;
            if (l != null) {
                l.before(m);
            }
            try {
                if (atOnce) {
                    return s.handleAtOnce(m);
                }
                s.handle(m);
            } finally {
                if (l != null) {
                    l.after(m);
                }
            }
        } catch (Outbound.ClientGoneException e) {
            channel.close();
        } catch (RuntimeException | Error e) {
            // The session answers a statement's failures itself; this is a bug of ours. No stack
            // trace at WARN: a client that can provoke it could fill the log.
            LOG.warn("Session failed; closing its connection: {}", e.toString());
            LOG.debug("Session failure", e);
            ByteBuf buf = channel.alloc().buffer();
            BackendMessages.fatal(buf, "XX000", "internal error: " + e);
            channel.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    /** After the messages of one read are queued: one hand-off to the worker for all of them. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        worker.schedule();
        super.channelReadComplete(ctx);
    }

    /** About how much memory a queued message holds. */
    private static long weight(FrontendMessage m) {
        long size = 64;
        if (m instanceof FrontendMessage.Query q) {
            size += 2L * q.sql().length();
        } else if (m instanceof FrontendMessage.Parse p) {
            size += 2L * p.sql().length() + 4L * p.parameterTypes().length;
        } else if (m instanceof FrontendMessage.CopyData d) {
            size += d.data().length;
        } else if (m instanceof FrontendMessage.Bind b) {
            for (byte[] v : b.values()) {
                size += v == null ? 8 : v.length + 16;
            }
        }
        return size;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        out.wakeWriters();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        phase = Phase.CLOSED;
        authenticationTimer.cancel(false);
        if (counted) {
            counted = false;
            server.releaseConnection(address);
        }
        server.cancels().remove(key);
        // Stop what the worker runs for this client now, not when it would have finished.
        ClientSession running = session;
        if (running != null) {
            running.cancel();
        }
        if (out != null) {
            out.wakeWriters();
        }
        // After whatever the worker still has queued: roll back and release the engine session.
        worker.execute(() -> {
            // Again here: a session still opening when the client left registers its key after the removal above.
            server.cancels().remove(key);
            ClientSession s = session;
            session = null;
            server.liveSessions().close(live);
            live = null;
            if (s != null) {
                server.stats().sessions.decrementAndGet();
                s.close();
            }
        });
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                tlsUp = true;
                server.stats().tlsConnections.increment();
            } else {
                // The TLS handler closes the connection; a failed handshake is no protocol error of ours to answer.
                server.stats().tlsFailures.increment();
                LOG.debug("TLS handshake failed: {}", handshake.cause().toString());
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if (!worker.idle()) {
                // Quiet because a statement runs (or waits for a lock), not because the client is
                // idle: the handler asks again after another idleTimeout.
                return;
            }
            fatal(ctx, "57P05", "terminating connection due to idle timeout (idleTimeout "
                    + server.config().idleTimeoutSeconds() + " s)");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable e = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (e instanceof ProtocolException p) {
            server.stats().protocolErrors.increment();
            fatal(ctx, p.sqlState(), p.getMessage());
        } else if (e instanceof IOException || e instanceof NotSslRecordException) {
            // A broken socket, or a failed TLS handshake (SSLException is an IOException): nothing can be
            // answered on a connection whose TLS is not up; the TLS handler has closed it or will.
            ctx.close();
        } else {
            LOG.debug("Closing connection after {}", e.toString());
            server.stats().protocolErrors.increment();
            fatal(ctx, "08P01", "invalid message: " + e.getMessage());
        }
    }

    private void fatal(ChannelHandlerContext ctx, String sqlState, String message) {
        phase = Phase.CLOSED;
        if (!ctx.channel().isActive()) {
            return;
        }
        ByteBuf buf = ctx.alloc().buffer();
        BackendMessages.fatal(buf, sqlState, message);
        ctx.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
    }
}
