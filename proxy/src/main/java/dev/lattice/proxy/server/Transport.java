package dev.lattice.proxy.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * How the client sockets are served: Linux's epoll through Netty's native transport where it
 * loads (fewer system calls and no selector bookkeeping per message), else Java NIO. The system
 * property {@code lattice.transport=nio} forces NIO, to compare the two.
 */
final class Transport {

    static final boolean EPOLL = !"nio".equalsIgnoreCase(System.getProperty("lattice.transport")) && Epoll.isAvailable();

    private Transport() {
    }

    static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** "epoll" or "nio", for the start-up log line. */
    static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
