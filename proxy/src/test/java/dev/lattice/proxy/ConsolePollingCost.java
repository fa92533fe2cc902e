package dev.lattice.proxy;

import dev.lattice.proxy.console.ConsoleServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the console's pollers cost statement traffic (a measurement to run by hand, not a test):
 * pgbench-like point selects through the proxy by 2 pgjdbc clients (prepared), alternately alone
 * and with 20 console clients each fetching /api/cluster, /api/stats and /api/sessions every
 * 100 ms, in one JVM on one run. Prints each phase's throughput and the ratio of the medians.
 * <p>
 * Run: {@code mvn -B -q -pl proxy -am test-compile} then
 * {@code java -cp proxy/target/test-classes:proxy/target/classes:$(cat cp.txt) dev.lattice.proxy.ConsolePollingCost [seconds] [rounds]}
 * with cp.txt from {@code mvn -q -pl proxy dependency:build-classpath -Dmdep.outputFile=../cp.txt}.
 */
public final class ConsolePollingCost {

    private static final int CLIENTS = 2;
    private static final int POLLERS = 20;
    private static final long POLL_MS = 100;
    private static final int ROWS = 10_000;

    private ConsolePollingCost() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        try (RunningProxy proxy = RunningProxy.start("polling-cost",
                Map.of("cluster", Map.of("url", "jdbc:lattice:mem:polling-cost;NON_KEYWORDS=VALUE?replicas=2")));
             ConsoleServer console = ConsoleServer.start(proxy.server, "127.0.0.1", 0)) {
            try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
                s.execute("create table usertable (id int primary key, f1 varchar(100))");
                s.execute("insert into usertable select x, 'value-' || x from system_range(1, " + ROWS + ") r(x)");
            }
            System.out.printf("warm-up %d s ...%n", 2 * seconds);
            run(proxy, console, seconds, true);
            run(proxy, console, seconds, false);
            List<Double> alone = new ArrayList<>();
            List<Double> polled = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean pollFirst = r % 2 == 1; // alternate the order: a JVM drifts within a run
                for (boolean poll : pollFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    double[] result = run(proxy, console, seconds, poll);
                    (poll ? polled : alone).add(result[0]);
                    System.out.printf("round %d %-22s %,10.0f selects/s%s%n", r + 1,
                            poll ? "with " + POLLERS + " pollers" : "without pollers", result[0],
                            poll ? String.format("  (%,.0f console requests/s answered; the console's threads used"
                                    + " %.1f%% of one core)", result[1], 100 * result[2]) : "");
                }
            }
            double a = median(alone);
            double p = median(polled);
            System.out.printf("median without pollers %,.0f/s, with %d pollers %,.0f/s: ratio %.3f%n", a, POLLERS, p,
                    p / a);
        }
    }

    /** One phase: {selects per second, console requests per second}. */
    private static double[] run(RunningProxy proxy, ConsoleServer console, int seconds, boolean poll) throws Exception {
        AtomicBoolean on = new AtomicBoolean(true);
        LongAdder selects = new LongAdder();
        LongAdder requests = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        if (poll) {
            // one light HTTP client for all pollers (each its own login), so the pollers' own cost stays small
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < POLLERS; i++) {
                ConsoleClient login = new ConsoleClient(console.port());
                HttpResponse<String> r = login.login("lattice", "lattice");
                String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
                threads.add(start(() -> {
                    while (on.get()) {
                        long next = System.nanoTime() + POLL_MS * 1_000_000;
                        for (String path : new String[] {"/api/cluster", "/api/stats", "/api/sessions"}) {
                            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port()
                                    + path)).header("Cookie", cookie).build();
                            if (http.send(get, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
                                throw new IllegalStateException(path + " failed");
                            }
                            requests.increment();
                        }
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    return null;
                }));
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            int seed = i;
            threads.add(start(() -> {
                try (Connection c = proxy.connect(RunningProxy.props("prepareThreshold", "1"));
                     PreparedStatement ps = c.prepareStatement("select f1 from usertable where id = ?")) {
                    java.util.Random random = new java.util.Random(seed);
                    while (on.get()) {
                        ps.setInt(1, 1 + random.nextInt(ROWS));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                        selects.increment();
                    }
                }
                return null;
            }));
        }
        Thread.sleep(500); // pollers logged in and running before the count starts
        long s0 = selects.sum();
        long r0 = requests.sum();
        long cpu0 = consoleCpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double rate = (selects.sum() - s0) / elapsed;
        double requestRate = (requests.sum() - r0) / elapsed;
        double consoleCpu = (consoleCpuNanos() - cpu0) / 1e9 / elapsed;
        on.set(false);
        for (Thread t : threads) {
            t.join();
        }
        return new double[] {rate, requestRate, consoleCpu};
    }

    private interface Work {
        Void run() throws Exception;
    }

    private static Thread start(Work w) {
        Thread t = new Thread(() -> {
            try {
                w.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** CPU time of the threads that serve the console (its event loop and its pool). */
    private static long consoleCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("lattice-console-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
