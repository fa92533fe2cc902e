package dev.lattice.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The backend messages of one connection, gathered in a buffer by the session's worker thread
 * and written when the client needs them (ReadyForQuery, Flush) or when the buffer grows large.
 * A worker that finds the channel unwritable waits: a slow reader holds back its own session
 * instead of filling the proxy's memory.
 */
public final class Outbound {

    /** Write out once this much is gathered, so a large result streams instead of piling up. */
    static final int PUSH_BYTES = 64 * 1024;

    private final Channel channel;
    private final Object writable = new Object();
    private ByteBuf buf;

    public Outbound(Channel channel) {
        this.channel = channel;
    }

    /** The buffer to append messages to (from the worker thread only). */
    public ByteBuf buf() {
        if (buf == null) {
            buf = channel.alloc().buffer(1024);
        }
        return buf;
    }

    /**
     * Writes and flushes what is gathered; off the event loop, then waits while the client is not
     * reading, so a client that sends query after query and reads no answer holds back its own
     * session (and, once its queued messages reach their bound, stops being read) instead of piling
     * every answer up in the proxy.
     */
    public void flush() {
        ByteBuf b = buf;
        buf = null;
        if (b == null) {
            return;
        }
        if (b.isReadable() && channel.isActive()) {
            channel.writeAndFlush(b, channel.voidPromise());
            if (!channel.isWritable() && !channel.eventLoop().inEventLoop()) {
                try {
                    awaitWritable();
                } catch (ClientGoneException e) {
                    // nothing more reaches this client; its session ends when the channel's close is handled
                }
            }
        } else {
            b.release();
        }
    }

    /**
     * Streams what is gathered once it is large, then waits while the client is not reading. On the
     * event loop (a point read handled there) it does not wait: the loop is what makes the channel
     * writable again, and such a result is small.
     */
    public void pushIfLarge() throws ClientGoneException {
        if (buf != null && buf.readableBytes() >= PUSH_BYTES) {
            flush();
            if (!channel.eventLoop().inEventLoop()) {
                awaitWritable();
            }
        }
    }

    private void awaitWritable() throws ClientGoneException {
        synchronized (writable) {
            while (channel.isActive() && !channel.isWritable()) {
                try {
                    writable.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClientGoneException();
                }
            }
        }
        if (!channel.isActive()) {
            throw new ClientGoneException();
        }
    }

    /** Called on the event loop when the channel's writability changes (or it closes). */
    public void wakeWriters() {
        synchronized (writable) {
            writable.notifyAll();
        }
    }

    /** Drops what is gathered and not yet written. */
    public void discard() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }

    /** The client went away while its results were being written. */
    public static final class ClientGoneException extends Exception {
        public ClientGoneException() {
            super("the client closed the connection", null, false, false);
        }
    }
}
