package dev.lattice.proxy.console;

import dev.lattice.routing.Session;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The proxy's live client sessions, for the console: one O(1) update when a session opens and one when it ends. */
public final class LiveSessions {

    private final ConcurrentHashMap<Long, LiveSession> sessions = new ConcurrentHashMap<>();

    /** Registers a session that has just opened. */
    public LiveSession open(String user, SocketAddress client, Session engine) {
        LiveSession s = new LiveSession(engine.locks().owner().id(), user, address(client), engine);
        sessions.put(s.id(), s);
        return s;
    }

    /** Forgets a session that has ended (null is ignored). */
    public void close(LiveSession s) {
        if (s != null) {
            sessions.remove(s.id(), s);
        }
    }

    /** The sessions now, oldest first. */
    List<LiveSession> snapshot() {
        List<LiveSession> out = new ArrayList<>(sessions.values());
        out.sort(Comparator.comparingLong(LiveSession::id));
        return out;
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() == null ? i.getHostString() + ":" + i.getPort()
                    : i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
