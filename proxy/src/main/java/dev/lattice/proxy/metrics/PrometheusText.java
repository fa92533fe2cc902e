package dev.lattice.proxy.metrics;

import dev.lattice.backend.h2.H2Backend;
import dev.lattice.backend.h2.Replica;
import dev.lattice.cluster.Cluster;
import dev.lattice.replication.RebuildCause;

import dev.lattice.proxy.server.ProxyStats;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics in Prometheus' text exposition format: the proxy's connections and sessions, the
 * SHOW STATS counters per consistency level, and each replica's applied LSN and lag.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static String render(Cluster cluster, ProxyStats stats) throws SQLException {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "lattice_proxy_connections", "Open client connections.", stats.connections());
        gauge(out, "lattice_proxy_sessions", "Authenticated client sessions (one engine session each).", stats.sessions());
        counter(out, "lattice_proxy_connections_accepted_total", "Client connections accepted.", stats.accepted());
        counter(out, "lattice_proxy_connections_rejected_total", "Connections refused over maxConnections or maxConnectionsPerAddress.",
                stats.rejected());
        counter(out, "lattice_proxy_auth_failures_total", "Failed authentications.", stats.authFailures());
        counter(out, "lattice_proxy_authentication_timeouts_total",
                "Connections closed for not authenticating within authenticationTimeout.", stats.authenticationTimeouts());
        counter(out, "lattice_proxy_protocol_errors_total", "Connections closed for a bad message.",
                stats.protocolErrors());
        counter(out, "lattice_proxy_statements_at_once_total",
                "Point reads and writes run on an event loop, with no hand-off to a worker.", stats.statementsAtOnce());
        counter(out, "lattice_proxy_statements_handed_back_total",
                "Statements tried on an event loop that met a wait and went to their worker untouched.",
                stats.statementsHandedBack());
        counter(out, "lattice_proxy_cancel_requests_total", "CancelRequests received.", stats.cancelRequests());
        counter(out, "lattice_proxy_tls_connections_total", "Client connections that completed a TLS handshake.",
                stats.tlsConnections());
        counter(out, "lattice_proxy_tls_handshake_failures_total", "TLS handshakes that failed.", stats.tlsFailures());
        gauge(out, "lattice_committed_lsn", "The primary's highest committed LSN.", cluster.committedLsn());
        routingStats(out, cluster.routingStats().show());
        replicas(out, cluster.backend().showReplicas());
        if (cluster.backend() instanceof H2Backend h2) {
            rebuilds(out, h2);
        }
        return out.toString();
    }

    private static void routingStats(StringBuilder out, ResultSet rs) throws SQLException {
        try (rs) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            // Read the labels first: H2's SimpleResultSet closes itself after its last row.
            String[] labels = new String[n + 1];
            StringBuilder[] series = new StringBuilder[n + 1];
            for (int c = 2; c <= n; c++) {
                labels[c] = meta.getColumnLabel(c);
                series[c] = new StringBuilder();
            }
            while (rs.next()) {
                String level = rs.getString(1);
                for (int c = 2; c <= n; c++) {
                    series[c].append(name(labels[c])).append("{level=\"").append(level).append("\"} ")
                            .append(number(rs.getDouble(c))).append('\n');
                }
            }
            for (int c = 2; c <= n; c++) {
                String name = name(labels[c]);
                out.append("# HELP ").append(name).append(" SHOW STATS ").append(labels[c])
                        .append(" per consistency level.\n# TYPE ").append(name).append(" counter\n")
                        .append(series[c]);
            }
        }
    }

    private static String name(String column) {
        String base = "lattice_routing_" + column.toLowerCase(Locale.ROOT);
        return base.endsWith("_ms") ? base.substring(0, base.length() - 3) + "_milliseconds_total" : base + "_total";
    }

    private static void replicas(StringBuilder out, ResultSet rs) throws SQLException {
        StringBuilder applied = new StringBuilder();
        StringBuilder lagLsn = new StringBuilder();
        StringBuilder lagMs = new StringBuilder();
        StringBuilder inSync = new StringBuilder();
        try (rs) {
            while (rs.next()) {
                if (!"REPLICA".equalsIgnoreCase(rs.getString("ROLE"))) {
                    continue;
                }
                String labels = "{replica=\"" + rs.getString("NAME") + "\",state=\"" + rs.getString("STATE") + "\"} ";
                sample(applied, "lattice_replica_applied_lsn", labels, rs, "APPLIED_LSN");
                sample(lagLsn, "lattice_replica_lag_lsn", labels, rs, "LAG_LSN");
                sample(lagMs, "lattice_replica_lag_milliseconds", labels, rs, "LAG_MS");
                boolean sync = rs.getBoolean("IN_SYNC_SET");
                inSync.append("lattice_replica_in_sync_set").append(labels).append(sync ? 1 : 0).append('\n');
            }
        }
        header(out, "lattice_replica_applied_lsn", "Highest LSN the replica has applied.", "gauge").append(applied);
        header(out, "lattice_replica_lag_lsn", "Transactions the replica is behind (absent when unknown).", "gauge")
                .append(lagLsn);
        header(out, "lattice_replica_lag_milliseconds", "How far behind the replica is in time.", "gauge")
                .append(lagMs);
        header(out, "lattice_replica_in_sync_set", "1 when the replica is in STRONG's synchronous set.", "gauge")
                .append(inSync);
    }

    /** Snapshot rebuilds of each H2 replica, by cause (readable DDL never causes one). */
    private static void rebuilds(StringBuilder out, H2Backend h2) {
        header(out, "lattice_replica_rebuilds_total", "Times the replica was rebuilt from a snapshot, by cause.",
                "counter");
        for (Replica r : h2.replicas()) {
            for (Map.Entry<RebuildCause, Long> e : r.applier().rebuildsByCause().entrySet()) {
                out.append("lattice_replica_rebuilds_total{replica=\"").append(r.node().name()).append("\",cause=\"")
                        .append(e.getKey().name()).append("\"} ").append(e.getValue()).append('\n');
            }
        }
    }

    private static void sample(StringBuilder out, String name, String labels, ResultSet rs, String column)
            throws SQLException {
        long v = rs.getLong(column);
        if (!rs.wasNull()) {
            out.append(name).append(labels).append(v).append('\n');
        }
    }

    private static StringBuilder header(StringBuilder out, String name, String help, String type) {
        return out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge").append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter").append(name).append(' ').append(value).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
