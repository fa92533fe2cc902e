package dev.lattice.proxy.console;

import dev.lattice.routing.RoutingStats;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SHOW STATS as JSON, with rates: the counters are read fresh on every poll, and the rates come
 * from the two latest samples at least a second apart, so any number of pollers see the same,
 * steady rates instead of each measuring its own tiny interval.
 */
final class StatsSampler {

    static final long MIN_INTERVAL_MS = 1000;

    private record Sample(long time, List<String> levels, String[] columns, double[][] values) { }

    private final RoutingStats stats;
    private Sample previous;
    private Sample latest;

    StatsSampler(RoutingStats stats) {
        this.stats = stats;
    }

    synchronized String json() {
        Sample now = take();
        if (latest == null) {
            latest = now;
        } else if (now.time() - latest.time() >= MIN_INTERVAL_MS) {
            previous = latest;
            latest = now;
        }
        Json j = new Json().beginObject().field("time", now.time())
                .field("rate_interval_ms", previous == null ? null : latest.time() - previous.time())
                .name("levels").beginArray();
        for (int l = 0; l < now.levels().size(); l++) {
            j.beginObject().field("level", now.levels().get(l));
            for (int c = 0; c < now.columns().length; c++) {
                j.field(now.columns()[c], now.values()[l][c]);
            }
            j.name("rates").beginObject();
            for (int c = 0; c < now.columns().length; c++) {
                Double rate = null;
                if (previous != null) {
                    double seconds = (latest.time() - previous.time()) / 1000.0;
                    rate = Math.max(0, latest.values()[l][c] - previous.values()[l][c]) / seconds;
                }
                j.field(now.columns()[c], rate);
            }
            j.endObject().endObject();
        }
        return j.endArray().endObject().toString();
    }

    private Sample take() {
        try (ResultSet rs = stats.show()) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            String[] columns = new String[n - 1];
            for (int c = 2; c <= n; c++) {
                columns[c - 2] = meta.getColumnLabel(c).toLowerCase(Locale.ROOT);
            }
            List<String> levels = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            while (rs.next()) {
                levels.add(rs.getString(1));
                double[] row = new double[n - 1];
                for (int c = 2; c <= n; c++) {
                    row[c - 2] = rs.getDouble(c);
                }
                values.add(row);
            }
            return new Sample(System.currentTimeMillis(), levels, columns, values.toArray(new double[0][]));
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW STATS failed: " + e.getMessage(), e);
        }
    }
}
