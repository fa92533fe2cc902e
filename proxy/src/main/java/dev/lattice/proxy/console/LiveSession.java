package dev.lattice.proxy.console;

import dev.lattice.proxy.protocol.FrontendMessage;
import dev.lattice.routing.Session;
import java.util.HashMap;
import java.util.Map;

/**
 * One client session of the proxy as the console shows it: who, from where, its engine session,
 * and the statement it runs now and since when. The connection's worker updates it around each
 * message (a field write or two, no lock); the console reads it from its own threads.
 */
public final class LiveSession {

    private final long id;
    private final String user;
    private final String client;
    private final Session engine;
    private final long connectedAt = System.currentTimeMillis();
    /** Statement texts by prepared-statement name: touched on the worker only. */
    private final Map<String, String> prepared = new HashMap<>();
    /** The text of the statement of the last Bind: touched on the worker only. */
    private String bound;
    private volatile String statement;
    /** When the running statement started (epoch ms), 0 when idle. */
    private volatile long runningSince;

    LiveSession(long id, String user, String client, Session engine) {
        this.id = id;
        this.user = user;
        this.client = client;
        this.engine = engine;
    }

    /** On the worker, before the session handles a message: notes a statement that starts. */
    public void before(FrontendMessage m) {
        if (m instanceof FrontendMessage.Query q) {
            started(q.sql());
        } else if (m instanceof FrontendMessage.Parse p) {
            prepared.put(p.name(), p.sql());
        } else if (m instanceof FrontendMessage.Bind b) {
            bound = prepared.get(b.statement());
        } else if (m instanceof FrontendMessage.Execute) {
            if (runningSince == 0) {
                started(bound);
            }
        } else if (m instanceof FrontendMessage.Close c && c.target() == 'S') {
            prepared.remove(c.name());
        }
    }

    /** On the worker, after the session handled a message: a simple query or a Sync ends what ran. */
    public void after(FrontendMessage m) {
        if (m instanceof FrontendMessage.Query || m instanceof FrontendMessage.Sync) {
            runningSince = 0;
        }
    }

    private void started(String sql) {
        if (sql != null) {
            statement = sql;
        }
        runningSince = System.currentTimeMillis();
    }

    /** The lock manager's number for this session (SHOW LOCKS' session column), which the console uses as its id. */
    public long id() {
        return id;
    }

    String user() {
        return user;
    }

    String client() {
        return client;
    }

    Session engine() {
        return engine;
    }

    long connectedAt() {
        return connectedAt;
    }

    /** The running statement, or the last one when idle (null before any). */
    String statement() {
        return statement;
    }

    long runningSince() {
        return runningSince;
    }
}
