package dev.lattice.proxy.server;

import dev.lattice.cluster.Cluster;
import dev.lattice.cluster.ClusterRegistry;
import dev.lattice.jdbc.LatticeUrl;
import dev.lattice.proxy.catalog.CatalogSetup;
import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.config.SessionOptionsFactory;
import dev.lattice.proxy.console.LiveSessions;
import dev.lattice.proxy.protocol.PgDecoder;
import dev.lattice.proxy.session.AdvisoryLocks;
import dev.lattice.proxy.session.AtOnceStatements;
import dev.lattice.routing.SessionOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The listening proxy: a Netty server whose every connection is one Lattice session on one cluster. */
public final class ProxyServer implements AutoCloseable {

    /**
     * Session threads get a larger stack than the JVM's default 1 MB: the statement path (H2's
     * recursive parser and optimizer) fits in 1 MB within the nesting bounds the analysis enforces,
     * and this leaves a wide margin. It is address space, committed only as far as it is used.
     */
    static final long SESSION_STACK_SIZE = 16L * 1024 * 1024;
    /** Thread names of the session workers (tests look for them). */
    public static final String SESSION_THREAD_PREFIX = "lattice-session-";

    private final ProxyConfig config;
    /** Connections per client address, counted under the map's per-key lock; absent means none. */
    private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, Integer> perAddress =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Cluster cluster;
    private final SessionOptions sessionOptions;
    private final SslContext sslContext;
    private final AtOnceStatements atOnceStatements = new AtOnceStatements();
    private final ProxyStats stats = new ProxyStats(atOnceStatements);
    private final CancelRegistry cancels = new CancelRegistry();
    private final LiveSessions liveSessions = new LiveSessions();
    private final AdvisoryLocks advisoryLocks = new AdvisoryLocks();
    private final ExecutorService workers;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private Channel listener;

    private ProxyServer(ProxyConfig config, Cluster cluster, SessionOptions options, SslContext sslContext) {
        this.config = config;
        this.cluster = cluster;
        this.sessionOptions = options;
        this.sslContext = sslContext;
        this.workers = Executors.newCachedThreadPool(daemons("lattice-session-", SESSION_STACK_SIZE));
        this.boss = new MultiThreadIoEventLoopGroup(1, daemons("lattice-accept-"), Transport.handlers());
        this.io = new MultiThreadIoEventLoopGroup(0, daemons("lattice-io-"), Transport.handlers());
    }

    /** Starts the cluster (or joins it, if this JVM runs it already) and binds the listen address. */
    public static ProxyServer start(ProxyConfig config) throws ConfigException, InterruptedException {
        // TLS files first: a bad certificate or key stops start-up before any cluster starts.
        SslContext ssl = config.tls() ? TlsFiles.serverContext(config.tlsCertificate(), config.tlsKey()) : null;
        Cluster cluster;
        SessionOptions options;
        try {
            LatticeUrl url = LatticeUrl.parse(config.clusterUrl(), config.sessionProperties());
            options = SessionOptionsFactory.of(url.properties());
            cluster = ClusterRegistry.obtain(CatalogSetup.on(url.cluster()));
        } catch (SQLException e) {
            throw new ConfigException("cluster.url: cannot start the cluster " + config.clusterUrl() + ": "
                    + e.getMessage(), e);
        }
        ProxyServer server = new ProxyServer(config, cluster, options, ssl);
        server.bind();
        return server;
    }

    private void bind() throws ConfigException, InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, io)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Netty 4.2's default (adaptive) allocator took 7% of the I/O threads' samples under
                // pgbench selects; the pooled one's per-thread caches gave steadier and, in two runs of
                // three, higher select rates (docs/benchmarks.md, 2026-12-07 22:30)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("decoder", new PgDecoder(config.maxMessageSize(), sslContext != null));
                        if (config.idleTimeoutSeconds() > 0) {
                            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutSeconds()));
                        }
                        ch.pipeline().addLast("client", new ClientHandler(ProxyServer.this));
                    }
                });
        try {
            listener = b.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        } catch (Exception e) {
            close();
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new ConfigException("host/port: cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** How the sockets are served: "epoll" or "nio". */
    public String transport() {
        return Transport.name();
    }

    /** The port actually bound (useful when port 0 was asked for). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public ProxyConfig config() {
        return config;
    }

    /** The advisory locks its sessions take (pg_advisory_lock and friends). */
    /** The point reads served on event loops. */
    public AtOnceStatements atOnceStatements() {
        return atOnceStatements;
    }

    public AdvisoryLocks advisoryLocks() {
        return advisoryLocks;
    }

    public Cluster cluster() {
        return cluster;
    }

    public ProxyStats stats() {
        return stats;
    }

    /** The open client sessions, as the console lists them. */
    public LiveSessions liveSessions() {
        return liveSessions;
    }

    SessionOptions sessionOptions() {
        return sessionOptions;
    }

    SslContext sslContext() {
        return sslContext;
    }

    CancelRegistry cancels() {
        return cancels;
    }

    ExecutorService workers() {
        return workers;
    }

    /** Why a connection was not given a slot, or null when it was. */
    String acquireConnection(java.net.InetAddress address) {
        stats.accepted.increment();
        if (stats.connections.incrementAndGet() > config.maxConnections()) {
            stats.connections.decrementAndGet();
            return "sorry, too many clients already (maxConnections " + config.maxConnections() + ")";
        }
        if (address != null) {
            int limit = config.maxConnectionsPerAddress();
            boolean[] refused = new boolean[1];
            perAddress.compute(address, (a, n) -> {
                int held = n == null ? 0 : n;
                refused[0] = held >= limit;
                return refused[0] ? n : held + 1;
            });
            if (refused[0]) {
                stats.connections.decrementAndGet();
                return "sorry, too many clients already from " + address.getHostAddress() + " (maxConnectionsPerAddress "
                        + config.maxConnectionsPerAddress() + ")";
            }
        }
        return null;
    }

    void releaseConnection(java.net.InetAddress address) {
        stats.connections.decrementAndGet();
        if (address != null) {
            releaseAddress(address);
        }
    }

    private void releaseAddress(java.net.InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Stops listening and closes every connection (their sessions roll back). The cluster keeps running. */
    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdown();
    }

    private static ThreadFactory daemons(String prefix) {
        return daemons(prefix, 0);
    }

    private static ThreadFactory daemons(String prefix, long stackSize) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, prefix + n.incrementAndGet(), stackSize);
            t.setDaemon(true);
            return t;
        };
    }
}
