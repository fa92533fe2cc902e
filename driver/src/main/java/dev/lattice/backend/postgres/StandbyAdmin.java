package dev.lattice.backend.postgres;

import java.sql.Connection;
import dev.lattice.backend.ReplicaRows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.tools.SimpleResultSet;

/**
 * SHOW REPLICAS and ALTER REPLICA over PostgreSQL nodes: positions as WAL byte numbers and in
 * PostgreSQL's text form, timelines; a standby's apply delay is its {@code recovery_min_apply_delay}
 * and PAUSE/RESUME are {@code pg_wal_replay_pause()}/{@code pg_wal_replay_resume()}.
 */
final class StandbyAdmin {

    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private StandbyAdmin() {
    }

    /** A row per node: name, role, url, state, applied_lsn, lag_lsn, lag_ms, in_sync_set, delay_ms, applied_wal, timeline. */
    static ResultSet showReplicas(PgBackend backend, List<PgNode> nodes) {
        SimpleResultSet rs = ReplicaRows.columns();
        rs.addColumn("APPLIED_WAL", Types.VARCHAR, 32, 0);
        rs.addColumn("TIMELINE", Types.BIGINT, 19, 0);
        long committed = backend.committedLsn();
        for (PgNode n : nodes) {
            PgNode.Seen seen = n.seen();
            Standby standby = standbyOf(backend, n);
            boolean primary = backend.isPrimary(n);
            long applied = primary ? committed : standby.applied();
            String state = primary ? "ONLINE" : standby.stateName();
            boolean known = applied >= 0;
            rs.addRow(n.node().name(), primary ? "PRIMARY" : "REPLICA", n.node().safeUrl(), state,
                    known ? applied : null,
                    known ? Math.max(0, committed - applied) : null,
                    primary ? Long.valueOf(0) : known ? standby.lagMillis() : null,
                    primary ? null : standby.inSyncSet(),
                    delayMillis(seen.delay()),
                    WalPosition.format(known ? applied : seen.position()),
                    seen.timeline() == 0 ? null : seen.timeline());
        }
        return rs;
    }

    private static Standby standbyOf(PgBackend backend, PgNode n) {
        for (Standby s : backend.replicas()) {
            if (s.pgNode() == n) {
                return s;
            }
        }
        return null;
    }

    /** recovery_min_apply_delay as milliseconds ("0", "500ms", "2s", "1min"). */
    static long delayMillis(String shown) {
        String s = shown == null ? "0" : shown.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return 0;
        }
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i).trim()) {
            case "s" -> n * 1000;
            case "min" -> n * 60_000;
            case "h" -> n * 3_600_000;
            case "d" -> n * 86_400_000;
            default -> n;
        };
    }

    /** ALTER SYSTEM on the standby and a configuration reload; returns once the standby runs with it. */
    static void setDelay(Standby standby, long millis) throws SQLException {
        try (Connection c = standby.node().connectDirect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + millis + "ms'");
            s.execute("SELECT pg_reload_conf()");
            long deadline = System.nanoTime() + SETTLE_NANOS;
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT current_setting('recovery_min_apply_delay')")) {
                    rs.next();
                    if (delayMillis(rs.getString(1)) == millis || System.nanoTime() - deadline > 0) {
                        break;
                    }
                }
                Thread.onSpinWait();
            }
        }
        standby.pgNode().refresh();
    }

    /** PAUSE returns once the standby has stopped replaying; RESUME at once. */
    static void setPaused(Standby standby, boolean paused) throws SQLException {
        try (Connection c = standby.node().connectDirect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
            long deadline = System.nanoTime() + SETTLE_NANOS;
            while (paused) {
                try (ResultSet rs = s.executeQuery("SELECT pg_get_wal_replay_pause_state()")) {
                    rs.next();
                    if ("paused".equals(rs.getString(1)) || System.nanoTime() - deadline > 0) {
                        break;
                    }
                }
            }
        }
        standby.pgNode().refresh();
    }
}
