package dev.lattice.bench;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One measured window: every client runs on a thread of its own, unmeasured through the warm-up,
 * then timed operation by operation until the window closes.
 */
final class Window {

    /** Latencies up to a minute are kept exactly to 3 significant digits; longer ones count as a minute. */
    static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private Window() {
    }

    /** What one window measured. */
    /**
     * @param othersCpu share of the machine's CPU that other processes took during the window (0 to
     *     1, NaN when unknown): a window that shared the machine is noisier
     */
    record Result(long operations, long errors, long elapsedNanos, Histogram latencyNanos, String firstError,
                  double othersCpu, long allOperations, long processCpuNanos) {
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_LATENCY_NANOS, 3);
    }

    static Result run(List<Client> clients, long warmupNanos, long measureNanos) throws InterruptedException {
        int n = clients.size();
        Histogram[] histograms = new Histogram[n];
        long[] ops = new long[n];
        long[] errors = new long[n];
        long[] finished = new long[n];
        String[] firstError = new String[n];
        Thread[] threads = new Thread[n];
        Machine.CpuReading cpuBefore = Machine.cpu();
        long processCpuBefore = Machine.processCpuNanos();
        long[] warmOps = new long[n];
        long origin = System.nanoTime();
        long start = origin + warmupNanos;
        long end = start + measureNanos;
        for (int i = 0; i < n; i++) {
            int t = i;
            histograms[t] = newHistogram();
            threads[t] = new Thread(() -> {
                Client client = clients.get(t);
                Histogram h = histograms[t];
                long now = System.nanoTime();
                long warm = 0;
                while (now - start < 0) {
                    try {
                        client.run();
                    } catch (SQLException e) {
                        // warm-up: failures are counted in the measured part only
                    }
                    warm++;
                    now = System.nanoTime();
                }
                warmOps[t] = warm;
                long count = 0;
                long failed = 0;
                while (now - end < 0) {
                    long before = now;
                    try {
                        client.run();
                    } catch (SQLException e) {
                        failed++;
                        if (firstError[t] == null) {
                            firstError[t] = e.getSQLState() + ": " + e.getMessage();
                        }
                    }
                    now = System.nanoTime();
                    h.recordValue(Math.min(now - before, MAX_LATENCY_NANOS));
                    count++;
                }
                ops[t] = count - failed;
                errors[t] = failed;
                finished[t] = now;
            }, "bench-client-" + t);
            threads[t].start();
        }
        long last = start;
        Histogram merged = newHistogram();
        long totalOps = 0;
        long allOps = 0;
        long totalErrors = 0;
        String error = null;
        for (int t = 0; t < n; t++) {
            threads[t].join();
            last = Math.max(last, finished[t]);
            merged.add(histograms[t]);
            totalOps += ops[t];
            allOps += warmOps[t] + ops[t] + errors[t];
            totalErrors += errors[t];
            if (error == null) {
                error = firstError[t];
            }
        }
        long processCpu = Machine.processCpuNanos();
        return new Result(totalOps, totalErrors, last - start, merged, error,
                Machine.othersShare(cpuBefore, Machine.cpu()),
                allOps, processCpuBefore < 0 ? -1 : processCpu - processCpuBefore);
    }
}
