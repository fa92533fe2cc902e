package dev.lattice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine a run measured, as one line: every figure is only meaningful next to it. */
final class Machine {

    private Machine() {
    }

    /** CPU ticks of processes that work for this run (a PostgreSQL cluster it started), counted as its own. */
    private static volatile java.util.function.LongSupplier helperTicks = () -> 0;

    /** Counts the CPU of the given processes as this run's, not as taken by other jobs on the machine. */
    static void countAsOurs(java.util.function.LongSupplier ticks) {
        helperTicks = ticks;
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** E.g. "2 cores (AMD EPYC), 23 GB RAM, Linux 6.1 amd64, Java 17.0.15 (OpenJDK 64-Bit Server VM), max heap 5.9 GB". */
    static String describe() {
        return String.format(Locale.ROOT, "%d cores%s, %s RAM, %s %s %s, Java %s (%s), max heap %.1f GB",
                cores(), cpuModel(), memory(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() / 1e9);
    }

    /** "2 cores", for the head of every table. */
    static String coresNote() {
        return cores() + (cores() == 1 ? " core" : " cores");
    }

    /** A reading of the machine's busy CPU time and this process's, to tell how much others took. */
    record CpuReading(long busyTicks, long selfTicks, long nanos) {
    }

    /** Now's reading, or null where /proc is not there. */
    static CpuReading cpu() {
        try {
            String[] total = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < total.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(total[i]); // all but idle and iowait; steal counts as taken by others
                }
            }
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            long selfTicks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + helperTicks.getAsLong();
            return new CpuReading(busy, selfTicks, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Share of the machine's CPU (all cores) that other processes used between two readings, from 0
     * to 1, assuming the usual 100 ticks a second; NaN when unknown.
     */
    static double othersShare(CpuReading from, CpuReading to) {
        if (from == null || to == null || to.nanos() <= from.nanos()) {
            return Double.NaN;
        }
        double ticks = (to.busyTicks() - from.busyTicks()) - (to.selfTicks() - from.selfTicks());
        double available = (to.nanos() - from.nanos()) / 1e9 * 100 * cores();
        return Math.max(0, ticks / available);
    }

    /** The checkout's commit, e.g. "git 7874e8a-dirty", or "" outside a git checkout. */
    static String code() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 && !out.isEmpty() && !out.contains(" ") ? "git " + out : "";
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** CPU time this process has used, in nanoseconds, or -1 where the JVM cannot tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "";
    }

    private static String memory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return String.format(Locale.ROOT, "%.0f GB", os.getTotalMemorySize() / 1e9);
        }
        return "unknown";
    }
}
