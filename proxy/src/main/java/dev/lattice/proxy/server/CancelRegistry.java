package dev.lattice.proxy.server;

import dev.lattice.proxy.session.ClientSession;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The cancel keys (BackendKeyData) of open sessions, so a CancelRequest finds its session. */
final class CancelRegistry {

    /** A session's key: its process id and the secret a CancelRequest must repeat. */
    record Key(int processId, int secret) { }

    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger nextId = new AtomicInteger(1000);
    private final Map<Integer, Entry> sessions = new ConcurrentHashMap<>();

    private record Entry(int secret, ClientSession session) { }

    Key newKey() {
        return new Key(nextId.incrementAndGet(), random.nextInt());
    }

    void register(Key key, ClientSession session) {
        sessions.put(key.processId(), new Entry(key.secret(), session));
    }

    void remove(Key key) {
        if (key != null) {
            sessions.remove(key.processId());
        }
    }

    /** Cancels the session's running statement when the secret matches; otherwise does nothing, as PostgreSQL. */
    void cancel(int processId, int secret) {
        Entry e = sessions.get(processId);
        if (e != null && e.secret() == secret) {
            e.session().cancel();
        }
    }
}
