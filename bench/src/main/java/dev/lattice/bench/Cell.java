package dev.lattice.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Everything measured for one workload, one thread count and one target, over all its windows. */
public final class Cell {

    private final String workload;
    private final int threads;
    private final String target;
    private final Histogram latency = Window.newHistogram();
    private long operations;
    private long errors;
    private long elapsedNanos;
    private int windows;
    private long backlogLsnSum;
    private double settleMillisSum;
    private boolean allCaughtUp = true;
    private String firstError;
    private final List<Double> windowThroughputs = new ArrayList<>();
    private final List<Double> sustainedThroughputs = new ArrayList<>();
    private long cpuNanos;
    private long cpuOperations;
    private long jitMillis;
    private double othersCpuSum;
    private int othersCpuWindows;
    private long lastWindowOps;
    private long lastWindowNanos;

    Cell(String workload, int threads, String target) {
        this.workload = workload;
        this.threads = threads;
        this.target = target;
    }

    void add(Window.Result r) {
        operations += r.operations();
        errors += r.errors();
        elapsedNanos += r.elapsedNanos();
        latency.add(r.latencyNanos());
        windows++;
        if (r.processCpuNanos() >= 0) {
            cpuNanos += r.processCpuNanos();
            cpuOperations += r.allOperations();
        }
        if (!Double.isNaN(r.othersCpu())) {
            othersCpuSum += r.othersCpu();
            othersCpuWindows++;
        }
        lastWindowOps = r.operations();
        lastWindowNanos = r.elapsedNanos();
        double perSecond = r.elapsedNanos() == 0 ? 0 : r.operations() / (r.elapsedNanos() / 1e9);
        windowThroughputs.add(perSecond);
        sustainedThroughputs.add(perSecond);
        if (firstError == null) {
            firstError = r.firstError();
        }
    }

    /** CPU the process spent outside the window on its account: the replicas catching up. */
    void addCpu(long nanos) {
        if (nanos > 0) {
            cpuNanos += nanos;
        }
    }

    /**
     * CPU time of the whole process (clients, appliers, JIT, GC) per operation, in microseconds,
     * including the replicas' catch-up after each window: on a 2-core machine, what bounds throughput.
     */
    public double cpuMicrosPerOperation() {
        return cpuOperations == 0 ? Double.NaN : cpuNanos / 1000.0 / cpuOperations;
    }

    void settled(Target.Settled s) {
        backlogLsnSum += s.backlogLsn();
        settleMillisSum += s.millis();
        allCaughtUp &= s.caughtUp();
        // the window's operations over its time plus the replicas' catch-up after it
        sustainedThroughputs.set(sustainedThroughputs.size() - 1,
                lastWindowOps / ((lastWindowNanos + s.millis() * 1e6) / 1e9));
    }

    public String workload() {
        return workload;
    }

    public int threads() {
        return threads;
    }

    public String target() {
        return target;
    }

    public long operations() {
        return operations;
    }

    public long errors() {
        return errors;
    }

    public int windows() {
        return windows;
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    /**
     * Successful operations per second: the median over its windows, so one window disturbed by
     * something else on the machine does not move it.
     */
    public double throughput() {
        return median(windowThroughputs);
    }

    /**
     * As {@link #throughput()}, counting after each window the time its replicas took to apply what
     * it wrote: the rate the replicas can keep up with. Equal to it without replicas.
     */
    public double sustainedThroughput() {
        return median(sustainedThroughputs);
    }

    /** Successful operations per second over all its measured windows together. */
    public double meanThroughput() {
        return elapsedNanos == 0 ? 0 : operations / (elapsedNanos / 1e9);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Latency percentile in microseconds. */
    public double latencyMicros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** LSNs the slowest replica was still behind when a window closed, averaged over the windows. */
    public double backlogLsn() {
        return windows == 0 ? 0 : (double) backlogLsnSum / windows;
    }

    /** Milliseconds the replicas took to catch up after a window, averaged. */
    public double settleMillis() {
        return windows == 0 ? 0 : settleMillisSum / windows;
    }

    public boolean allCaughtUp() {
        return allCaughtUp;
    }

    /** Share of the machine's CPU other processes took during its windows, averaged; NaN when unknown. */
    public double othersCpu() {
        return othersCpuWindows == 0 ? Double.NaN : othersCpuSum / othersCpuWindows;
    }

    /** Milliseconds the JIT compilers worked while this cell's workload and thread count ran (all targets). */
    public long jitMillis() {
        return jitMillis;
    }

    void jitMillis(long millis) {
        jitMillis = millis;
    }

    public String firstError() {
        return firstError;
    }
}
