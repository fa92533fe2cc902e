package dev.lattice.proxy.console;

import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.metrics.PrometheusText;
import dev.lattice.proxy.server.ProxyServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's HTTP side: the live console page, its JSON API behind a login with a proxy user,
 * the replica actions of {@code ALTER REPLICA} behind a CSRF token, and {@code /metrics} for
 * Prometheus (open, as on the metrics port). API documents are built on a small pool of their
 * own, never on a session's worker, and each is reused for {@link #CACHE_MILLIS} so that many
 * pollers cost the statement traffic no more than one.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final long CACHE_MILLIS = 100;
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final String[] STATIC_FILES = {"index.html", "console.css", "console.js"};
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final ProxyServer proxy;
    private final ClusterView view;
    private final ConsoleLogins logins;
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, AtomicReference<Cached>> cache = new HashMap<>();
    private final EventLoopGroup group;
    private final ExecutorService api;
    private final Channel listener;

    private record Cached(long at, byte[] body) { }

    /** What a handler needs of a request, copied off the event loop's buffer. */
    private record Request(HttpMethod method, String path, String cookie, String csrf, String body) { }

    private record Reply(HttpResponseStatus status, String contentType, byte[] body, String setCookie) {
        static Reply json(HttpResponseStatus status, String json) {
            return new Reply(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), null);
        }

        static Reply error(HttpResponseStatus status, String message) {
            return json(status, new Json().beginObject().field("error", message).endObject().toString());
        }
    }

    private ConsoleServer(ProxyServer proxy, String host, int port) throws InterruptedException {
        this.proxy = proxy;
        this.view = new ClusterView(proxy.cluster(), proxy.liveSessions());
        this.logins = new ConsoleLogins(proxy.config().users());
        for (String f : STATIC_FILES) {
            files.put(f, resource("console/" + f));
        }
        for (String p : List.of("cluster", "stats", "sessions", "locks")) {
            cache.put(p, new AtomicReference<>(new Cached(0, null)));
        }
        this.group = new MultiThreadIoEventLoopGroup(1, daemons("lattice-console-io-"), NioIoHandler.newFactory());
        this.api = Executors.newFixedThreadPool(2, daemons("lattice-console-"));
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new Handler());
                    }
                });
        Channel bound;
        try {
            bound = b.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (Exception e) { // Netty's sync() rethrows a BindException undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            api.shutdown();
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.listener = bound;
    }

    /**
     * Serves the console on the proxy's listen host (so loopback only unless users are configured,
     * as for the PostgreSQL port) and the given port (0: any free port).
     */
    public static ConsoleServer start(ProxyServer proxy, String host, int port) throws ConfigException,
            InterruptedException {
        try {
            return new ConsoleServer(proxy, host, port);
        } catch (RuntimeException e) {
            throw new ConfigException("http.port: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        api.shutdownNow();
    }

    /** Reads the request on the event loop and answers it on the console's pool. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                send(ctx, Reply.error(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
                return;
            }
            Request r = new Request(request.method(), new QueryStringDecoder(request.uri()).path(),
                    request.headers().get(HttpHeaderNames.COOKIE), request.headers().get(ConsoleLogins.CSRF_HEADER),
                    request.content().toString(StandardCharsets.UTF_8));
            try {
                api.execute(() -> send(ctx, answer(r), keepAlive));
            } catch (RejectedExecutionException e) {
                send(ctx, Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down"), false);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private Reply answer(Request r) {
        try {
            return route(r);
        } catch (SQLException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Console request {} {} failed", r.method(), r.path(), e);
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private Reply route(Request r) throws SQLException {
        String path = r.path();
        boolean get = r.method().equals(HttpMethod.GET) || r.method().equals(HttpMethod.HEAD);
        boolean post = r.method().equals(HttpMethod.POST);
        if (get && (path.equals("/") || path.equals("/index.html") || path.equals("/console.css")
                || path.equals("/console.js"))) {
            String name = path.equals("/") ? "index.html" : path.substring(1);
            String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                    : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            return new Reply(HttpResponseStatus.OK, type, files.get(name), null);
        }
        if (get && path.equals("/metrics")) {
            return new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    PrometheusText.render(proxy.cluster(), proxy.stats()).getBytes(StandardCharsets.UTF_8), null);
        }
        if (post && path.equals("/api/login")) {
            Map<String, List<String>> form = new QueryStringDecoder(r.body(), false).parameters();
            ConsoleLogins.Login l = logins.login(first(form, "user"), first(form, "password"));
            if (l == null) {
                return Reply.error(HttpResponseStatus.UNAUTHORIZED, "wrong user or password");
            }
            return new Reply(HttpResponseStatus.OK, "application/json; charset=utf-8", me(l).getBytes(StandardCharsets.UTF_8),
                    ConsoleLogins.setCookie(l));
        }
        if (!path.startsWith("/api/")) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no such page: try / or /metrics");
        }
        ConsoleLogins.Login login = logins.find(r.cookie());
        if (login == null) {
            return Reply.error(HttpResponseStatus.UNAUTHORIZED, "log in first: POST /api/login");
        }
        if (get) {
            return switch (path) {
                case "/api/me" -> Reply.json(HttpResponseStatus.OK, me(login));
                case "/api/cluster" -> cached("cluster", view::cluster);
                case "/api/stats" -> cached("stats", view::stats);
                case "/api/sessions" -> cached("sessions", view::sessions);
                case "/api/locks" -> cached("locks", view::locks);
                default -> Reply.error(HttpResponseStatus.NOT_FOUND, "no such document");
            };
        }
        if (!post) {
            return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or POST");
        }
        if (!ConsoleLogins.csrfMatches(login, r.csrf())) {
            return Reply.error(HttpResponseStatus.FORBIDDEN, "missing or wrong " + ConsoleLogins.CSRF_HEADER + " header");
        }
        if (path.equals("/api/logout")) {
            logins.logout(login);
            return new Reply(HttpResponseStatus.OK, "application/json; charset=utf-8", "{}".getBytes(StandardCharsets.UTF_8),
                    ConsoleLogins.clearCookie());
        }
        return replicaAction(login, path, r.body());
    }

    /** POST /api/replicas/{name}/pause | resume | delay (form ms=N): what ALTER REPLICA does. */
    private Reply replicaAction(ConsoleLogins.Login login, String path, String body) throws SQLException {
        String[] parts = path.split("/");
        if (parts.length != 5 || !parts[2].equals("replicas")) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no such action");
        }
        String name = QueryStringDecoder.decodeComponent(parts[3]);
        switch (parts[4]) {
            case "pause" -> proxy.cluster().backend().setPaused(name, true);
            case "resume" -> proxy.cluster().backend().setPaused(name, false);
            case "delay" -> {
                String ms = first(new QueryStringDecoder(body, false).parameters(), "ms");
                long millis;
                try {
                    millis = Long.parseLong(ms == null ? "" : ms.trim());
                } catch (NumberFormatException e) {
                    return Reply.error(HttpResponseStatus.BAD_REQUEST, "delay: ms must be a whole number of milliseconds");
                }
                proxy.cluster().backend().setDelay(name, millis);
            }
            default -> {
                return Reply.error(HttpResponseStatus.NOT_FOUND, "no such action: pause, resume or delay");
            }
        }
        LOG.info("Console: {} {} replica {}", login.user(), parts[4], name);
        cache.get("cluster").set(new Cached(0, null));
        return Reply.json(HttpResponseStatus.OK, new Json().beginObject().field("ok", true).endObject().toString());
    }

    private static String me(ConsoleLogins.Login l) {
        return new Json().beginObject().field("user", l.user()).field("csrf", l.csrf()).endObject().toString();
    }

    private interface Document {
        String build() throws SQLException;
    }

    private Reply cached(String name, Document document) throws SQLException {
        AtomicReference<Cached> ref = cache.get(name);
        Cached c = ref.get();
        long now = System.nanoTime() / 1_000_000;
        if (c.body() == null || now - c.at() >= CACHE_MILLIS) {
            c = new Cached(now, document.build().getBytes(StandardCharsets.UTF_8));
            ref.set(c);
        }
        return new Reply(HttpResponseStatus.OK, "application/json; charset=utf-8", c.body(), null);
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> v = form.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void send(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.wrappedBuffer(reply.body()));
        var h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", CSP);
        if (reply.setCookie() != null) {
            h.set(HttpHeaderNames.SET_COOKIE, reply.setCookie());
        }
        if (keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the proxy's jar lacks " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    /** The http setting of the configuration file: {@code http: {port: N}}; 0 when absent. */
    public static int configuredPort(Object http) throws ConfigException {
        if (http == null) {
            return 0;
        }
        if (!(http instanceof Map<?, ?> m)) {
            throw new ConfigException("http: must be a mapping such as {port: 8080}, not '" + http + "'");
        }
        for (Object k : m.keySet()) {
            if (!"port".equals(String.valueOf(k))) {
                throw new ConfigException("unknown setting 'http." + k + "'; the setting is http.port");
            }
        }
        Object v = m.get("port");
        if (v == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(String.valueOf(v).trim());
            if (n < 0 || n > 65535) {
                throw new ConfigException("http.port: must be between 0 and 65535, not " + n);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new ConfigException("http.port: must be a whole number, not '" + v + "'");
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
