package dev.lattice.proxy.console;

import dev.lattice.cluster.Cluster;
import dev.lattice.locking.LockMode;
import dev.lattice.routing.ConsistencyToken;
import dev.lattice.routing.Session;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console's JSON documents, read from the same sources as SHOW REPLICAS, SHOW STATS and SHOW
 * LOCKS, so the page shows what psql would; whatever columns a backend's SHOW REPLICAS has are copied.
 */
final class ClusterView {

    /** How much of a statement's text the sessions list shows. */
    static final int STATEMENT_CHARS = 160;

    private final Cluster cluster;
    private final LiveSessions sessions;
    private final StatsSampler sampler;

    ClusterView(Cluster cluster, LiveSessions sessions) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.sampler = new StatsSampler(cluster.routingStats());
    }

    /** /api/cluster: every node, as SHOW REPLICAS has it, with URLs stripped of secrets. */
    String cluster() throws SQLException {
        Json j = new Json().beginObject()
                .field("time", System.currentTimeMillis())
                .field("cluster", cluster.backend().id())
                .field("backend", cluster.backend().productName())
                .field("committed_lsn", cluster.committedLsn())
                .name("nodes").beginArray();
        try (ResultSet rs = cluster.backend().showReplicas()) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            String[] names = new String[n + 1];
            for (int c = 1; c <= n; c++) {
                names[c] = meta.getColumnLabel(c).toLowerCase(Locale.ROOT);
            }
            while (rs.next()) {
                j.beginObject();
                for (int c = 1; c <= n; c++) {
                    Object v = rs.getObject(c);
                    j.field(names[c], names[c].equals("url") && v != null ? SafeUrl.of(v.toString()) : v);
                }
                j.endObject();
            }
        }
        return j.endArray().endObject().toString();
    }

    /** /api/stats: SHOW STATS per level, and each counter's rate per second over the last second or so. */
    String stats() {
        return sampler.json();
    }

    /** /api/sessions: each client session, what it runs and what it waits for. */
    String sessions() throws SQLException {
        List<LockRow> locks = lockRows();
        Map<Long, LockRow> waiting = new LinkedHashMap<>();
        for (LockRow r : locks) {
            if (r.waiting()) {
                waiting.put(r.session(), r);
            }
        }
        long now = System.currentTimeMillis();
        Json j = new Json().beginObject().field("time", now).name("sessions").beginArray();
        for (LiveSession s : sessions.snapshot()) {
            Session e = s.engine();
            long since = s.runningSince();
            String sql = s.statement();
            LockRow w = waiting.get(s.id());
            j.beginObject()
                    .field("id", s.id())
                    .field("user", s.user())
                    .field("client", s.client())
                    .field("connected_at", s.connectedAt())
                    .field("level", e.consistency().spec().toString())
                    .field("token", ConsistencyToken.format(cluster.backend().id(), e.consistency().position().epoch(),
                            e.consistency().position().observed()))
                    .field("in_transaction", !e.effectiveAutoCommit())
                    .field("state", w != null ? "waiting" : since != 0 ? "running" : "idle")
                    .field("statement", shorten(sql))
                    .field("running_since", since == 0 ? null : since)
                    .field("running_ms", since == 0 ? null : now - since);
            if (w != null) {
                List<Long> holders = new ArrayList<>();
                for (LockRow h : blockers(w, locks)) {
                    holders.add(h.session());
                }
                j.name("waits_for").beginObject()
                        .field("lock", w.mode() + " on " + w.object())
                        .field("object", w.object())
                        .field("mode", w.mode())
                        .name("held_by").beginArray();
                for (Long h : holders) {
                    j.value(h);
                }
                j.endArray().field("since", since == 0 ? null : since).endObject();
            } else {
                j.field("waits_for", null);
            }
            j.endObject();
        }
        return j.endArray().endObject().toString();
    }

    /** /api/locks: SHOW LOCKS, and the wait-for edges (waiter to holder) derived from it. */
    String locks() throws SQLException {
        List<LockRow> rows = lockRows();
        Json j = new Json().beginObject()
                .field("time", System.currentTimeMillis())
                .field("deadlocks", cluster.lockManager().deadlocks())
                .name("locks").beginArray();
        for (LockRow r : rows) {
            j.beginObject().field("session", r.session()).field("object", r.object()).field("mode", r.mode())
                    .field("state", r.state()).endObject();
        }
        j.endArray().name("edges").beginArray();
        for (LockRow w : rows) {
            if (w.waiting()) {
                for (LockRow h : blockers(w, rows)) {
                    j.beginObject().field("waiter", w.session()).field("holder", h.session())
                            .field("object", w.object()).field("wants", w.mode()).field("holds", h.mode()).endObject();
                }
            }
        }
        return j.endArray().endObject().toString();
    }

    /** The granted locks on the waiter's object, held by others, whose modes conflict with what it asks. */
    private static List<LockRow> blockers(LockRow waiter, List<LockRow> rows) {
        List<LockRow> out = new ArrayList<>();
        for (LockRow r : rows) {
            if (!r.waiting() && r.session() != waiter.session() && r.object().equals(waiter.object())
                    && !compatible(waiter.mode(), r.mode())) {
                out.add(r);
            }
        }
        return out;
    }

    private static boolean compatible(String a, String b) {
        try {
            return LockMode.valueOf(a).compatibleWith(LockMode.valueOf(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record LockRow(long session, String object, String mode, String state) {
        boolean waiting() {
            return "WAITING".equals(state);
        }
    }

    private List<LockRow> lockRows() throws SQLException {
        List<LockRow> out = new ArrayList<>();
        try (ResultSet rs = cluster.lockManager().show()) {
            while (rs.next()) {
                out.add(new LockRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    static String shorten(String sql) {
        if (sql == null) {
            return null;
        }
        String s = sql.strip();
        StringBuilder b = new StringBuilder(Math.min(s.length(), STATEMENT_CHARS + 1));
        boolean space = false;
        int i = 0;
        for (; i < s.length() && b.length() < STATEMENT_CHARS; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(c);
            }
        }
        if (b.length() > STATEMENT_CHARS) {
            b.setLength(STATEMENT_CHARS); // a folded space and a character may pass the limit by one
        }
        return i < s.length() ? b.append('…').toString() : b.toString();
    }
}
