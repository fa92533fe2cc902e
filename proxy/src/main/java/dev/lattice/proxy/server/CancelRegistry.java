package dev.lattice.proxy.server;

import dev.lattice.proxy.session.ClientSession;
import io.netty.channel.EventLoop;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The cancel keys (BackendKeyData) of open sessions, so a CancelRequest finds its session. */
final class CancelRegistry {

    /** A session's key: its process id and the secret a CancelRequest must repeat. */
    record Key(int processId, int secret) { }

    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger nextId = new AtomicInteger(1000);
    private final Map<Integer, Entry> sessions = new ConcurrentHashMap<>();

    private record Entry(int secret, ClientSession session, EventLoop loop) { }

    Key newKey() {
        return new Key(nextId.incrementAndGet(), random.nextInt());
    }

    /** @param loop the event loop that reads the session's connection */
    void register(Key key, ClientSession session, EventLoop loop) {
        sessions.put(key.processId(), new Entry(key.secret(), session, loop));
    }

    void remove(Key key) {
        if (key != null) {
            sessions.remove(key.processId());
        }
    }

    /** How many sessions have a key now. */
    int size() {
        return sessions.size();
    }

    /**
     * Cancels the session's running statement when the secret matches; otherwise does nothing, as
     * PostgreSQL.
     *
     * <p>The client sent its query before it opened the connection that carries the cancel, so the
     * query is in the session's socket by now, but its event loop may not have read it yet: a cancel
     * run here and now could find nothing to stop and be lost. So it runs on the session's event
     * loop, scheduled from that loop: Netty takes such a task only at the start of its next round of
     * tasks, after the pass over the sockets that reads the query. (Scheduled from another thread,
     * a task already due runs as a plain task, possibly before that pass: hence the hop first.)
     */
    void cancel(int processId, int secret) {
        Entry e = sessions.get(processId);
        if (e != null && e.secret() == secret) {
            EventLoop loop = e.loop();
            loop.execute(() -> loop.schedule(e.session()::cancel, 0, TimeUnit.NANOSECONDS));
        }
    }
}
