package dev.lattice.proxy;

import static dev.lattice.proxy.ConsoleClient.list;
import static dev.lattice.proxy.ConsoleClient.node;
import static dev.lattice.proxy.ConsoleClient.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.proxy.console.ConsoleServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's JSON API over an H2 cluster, watched while real pgjdbc sessions work through the proxy. */
class ConsoleApiTest {

    private static RunningProxy proxy;
    private static ConsoleServer console;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("console-api", Map.of("cluster",
                Map.of("url", "jdbc:lattice:mem:console-api;NON_KEYWORDS=VALUE?replicas=2&lockTimeout=30000")));
        console = ConsoleServer.start(proxy.server, "127.0.0.1", 0);
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table accounts (id int primary key, balance int)");
            s.execute("insert into accounts values (1, 100), (2, 100)");
        }
    }

    @AfterAll
    static void stop() {
        console.close();
        proxy.close();
    }

    private static ConsoleClient loggedIn() throws Exception {
        ConsoleClient c = new ConsoleClient(console.port());
        assertEquals(200, c.login("lattice", "lattice").statusCode());
        return c;
    }

    private static String firstReplica(Map<String, Object> cluster) {
        return (String) list(cluster, "nodes").stream().filter(n -> "REPLICA".equals(n.get("role"))).findFirst()
                .orElseThrow().get("name");
    }

    @Test
    void withoutALoginTheApiAnswers401AndAForgedActionAnswers403() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(console.port());
        for (String p : List.of("/api/cluster", "/api/stats", "/api/sessions", "/api/locks", "/api/me")) {
            assertEquals(401, anonymous.get(p).statusCode(), p);
        }
        assertEquals(401, anonymous.post("/api/replicas/replica1/pause", "", "guess").statusCode());
        assertEquals(401, anonymous.login("lattice", "wrong").statusCode());
        assertEquals(401, anonymous.login("nobody", "lattice").statusCode());
        assertEquals(401, anonymous.login("lattice", "").statusCode());
        assertEquals(401, anonymous.get("/api/cluster").statusCode(), "a failed login opens nothing");

        ConsoleClient user = new ConsoleClient(console.port());
        HttpResponse<String> ok = user.login("lattice", "lattice");
        assertEquals(200, ok.statusCode());
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.matches("lattice_console=[0-9a-f]{32}; .*"), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age="), cookie);
        assertTrue(user.csrf.matches("[0-9a-f]{32}"));
        String replica = firstReplica(user.json("/api/cluster"));
        assertEquals(403, user.post("/api/replicas/" + replica + "/pause", "", null).statusCode(), "no CSRF token");
        assertEquals(403, user.post("/api/replicas/" + replica + "/pause", "", "0".repeat(32)).statusCode(),
                "a wrong CSRF token");
        assertEquals("ONLINE", node(user.json("/api/cluster"), replica).get("state"), "a forged action did nothing");
        // the page itself and /metrics stay reachable: the page holds no data, /metrics is Prometheus' as before
        assertEquals(200, anonymous.get("/").statusCode());
        assertTrue(anonymous.get("/metrics").body().contains("lattice_replica_lag_lsn"));
        // logging out ends the login
        assertEquals(200, user.act("/api/logout", "").statusCode());
        assertEquals(401, user.get("/api/cluster").statusCode());
    }

    @Test
    void noSecretIsEverInAResponse() throws Exception {
        ConsoleClient c = loggedIn();
        String verifier = proxy.server.config().users().get("lattice").scram().toString();
        String md5 = proxy.server.config().users().get("lattice").md5();
        for (String p : List.of("/api/cluster", "/api/stats", "/api/sessions", "/api/locks", "/api/me", "/metrics")) {
            String body = c.get(p).body();
            assertFalse(body.contains(verifier.substring(verifier.lastIndexOf('$') + 1, verifier.lastIndexOf('$') + 20)), p);
            assertFalse(body.contains(md5.substring(3)), p);
            assertFalse(body.toLowerCase().contains("password"), p + ": " + body);
        }
    }

    @Test
    void aPausedReplicaFallsBehindAndCatchesUpWhenResumedAndShowsItsDelay() throws Exception {
        ConsoleClient c = loggedIn();
        Map<String, Object> before = c.json("/api/cluster");
        String replica = firstReplica(before);
        assertEquals("H2", before.get("backend"));
        for (Map<String, Object> n : list(before, "nodes")) {
            for (String field : List.of("name", "role", "url", "state", "applied_lsn", "lag_lsn", "lag_ms", "in_sync_set",
                    "delay_ms")) {
                assertTrue(n.containsKey(field), field + " in " + n);
            }
        }
        assertEquals("PRIMARY", list(before, "nodes").get(0).get("role"));

        assertEquals(200, c.act("/api/replicas/" + replica + "/pause", "").statusCode());
        Map<String, Object> paused = c.json("/api/cluster");
        assertEquals("PAUSED", node(paused, replica).get("state"));
        long applied = number(node(paused, replica).get("applied_lsn"));
        try (Connection db = proxy.connect(); Statement s = db.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.executeUpdate("update accounts set balance = balance + 1 where id = 1");
            }
        }
        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        RunningProxy.await("the paused replica's lag to show 20 transactions", Duration.ofSeconds(10), () -> {
            Map<String, Object> doc = fetch(c);
            seen.set(doc);
            return number(node(doc, replica).get("lag_lsn")) >= 20;
        });
        Map<String, Object> behind = node(seen.get(), replica);
        assertEquals("PAUSED", behind.get("state"));
        assertEquals(applied, number(behind.get("applied_lsn")), "a paused replica applies nothing");
        long committed = number(seen.get().get("committed_lsn"));
        assertEquals(committed - applied, number(behind.get("lag_lsn")));

        assertEquals(200, c.act("/api/replicas/" + replica + "/resume", "").statusCode());
        RunningProxy.await("the resumed replica to catch up", Duration.ofSeconds(10), () -> {
            Map<String, Object> n = node(fetch(c), replica);
            return "ONLINE".equals(n.get("state")) && number(n.get("lag_lsn")) == 0 && number(n.get("lag_ms")) == 0;
        });

        assertEquals(200, c.act("/api/replicas/" + replica + "/delay", "ms=300").statusCode());
        assertEquals(300L, number(node(c.json("/api/cluster"), replica).get("delay_ms")));
        assertEquals(400, c.act("/api/replicas/" + replica + "/delay", "ms=soon").statusCode());
        assertEquals(400, c.act("/api/replicas/nosuch/pause", "").statusCode());
        assertEquals(200, c.act("/api/replicas/" + replica + "/delay", "ms=0").statusCode());
        assertEquals(0L, number(node(c.json("/api/cluster"), replica).get("delay_ms")));
    }

    private static Map<String, Object> fetch(ConsoleClient c) {
        try {
            return c.json("/api/cluster");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sessionsAndLocksAppearWithRealSessionsAndDisappearWhenTheyEnd() throws Exception {
        ConsoleClient c = loggedIn();
        int baseline = list(c.json("/api/sessions"), "sessions").size();
        try (Connection holder = proxy.connect(); Connection waiter = proxy.connect()) {
            for (Connection conn : List.of(holder, waiter)) {
                try (Statement s = conn.createStatement()) {
                    s.execute("SET CONSISTENCY SERIALIZABLE");
                }
                conn.setAutoCommit(false);
            }
            // documents are reused for up to 100 ms, so a change shows at the next poll after that
            RunningProxy.await("two more sessions in /api/sessions", Duration.ofSeconds(5), () -> {
                try {
                    return list(c.json("/api/sessions"), "sessions").size() == baseline + 2;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("update accounts set balance = 1 where id = 2");
            }
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try (Statement s = waiter.createStatement()) {
                    return s.executeUpdate("update accounts set balance = 2 where id = 2");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            AtomicReference<Map<String, Object>> waiting = new AtomicReference<>();
            RunningProxy.await("a waiting session in /api/sessions", Duration.ofSeconds(10), () -> {
                try {
                    for (Map<String, Object> s : list(c.json("/api/sessions"), "sessions")) {
                        if ("waiting".equals(s.get("state"))) {
                            waiting.set(s);
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Map<String, Object> w = waiting.get();
            assertEquals("lattice", w.get("user"));
            assertTrue(((String) w.get("client")).startsWith("127.0.0.1:"));
            assertEquals("SERIALIZABLE", w.get("level"));
            assertEquals(Boolean.TRUE, w.get("in_transaction"));
            assertEquals("update accounts set balance = 2 where id = 2", w.get("statement"));
            assertTrue(number(w.get("running_ms")) >= 0);
            assertNotNull(w.get("token"));
            @SuppressWarnings("unchecked")
            Map<String, Object> waitsFor = (Map<String, Object>) w.get("waits_for");
            assertEquals("X", waitsFor.get("mode"));
            @SuppressWarnings("unchecked")
            long holderId = number(((List<Object>) waitsFor.get("held_by")).get(0));
            Map<String, Object> h = list(c.json("/api/sessions"), "sessions").stream()
                    .filter(s -> number(s.get("id")) == holderId).findFirst().orElseThrow();
            assertEquals("idle", h.get("state"));
            assertEquals(Boolean.TRUE, h.get("in_transaction"));
            assertEquals("update accounts set balance = 1 where id = 2", h.get("statement"), "its last statement");

            Map<String, Object> locks = c.json("/api/locks");
            assertTrue(list(locks, "locks").stream().anyMatch(l -> "WAITING".equals(l.get("state"))
                    && number(l.get("session")) == number(w.get("id"))), locks.toString());
            assertTrue(list(locks, "locks").stream().anyMatch(l -> "GRANTED".equals(l.get("state"))
                    && number(l.get("session")) == holderId && "X".equals(l.get("mode"))), locks.toString());
            assertEquals(List.of(Map.of("waiter", w.get("id"), "holder", holderId)),
                    list(locks, "edges").stream().map(e -> Map.of("waiter", e.get("waiter"), "holder", e.get("holder")))
                            .toList());

            holder.commit();
            assertEquals(1, blocked.get(10, TimeUnit.SECONDS));
            waiter.commit();
            RunningProxy.await("the locks to go", Duration.ofSeconds(5), () -> {
                try {
                    Map<String, Object> l = c.json("/api/locks");
                    return list(l, "locks").isEmpty() && list(l, "edges").isEmpty();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            for (Map<String, Object> s : list(c.json("/api/sessions"), "sessions")) {
                assertNull(s.get("waits_for"));
            }
        }
        RunningProxy.await("the closed sessions to leave /api/sessions", Duration.ofSeconds(5), () -> {
            try {
                return list(c.json("/api/sessions"), "sessions").size() == baseline;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void statsCountReadsPerLevelAndGiveRates() throws Exception {
        ConsoleClient c = loggedIn();
        c.json("/api/stats"); // a first sample
        long before = eventual(c.json("/api/stats"), "replica_reads");
        try (Connection db = proxy.connect(); Statement s = db.createStatement()) {
            s.execute("SET CONSISTENCY EVENTUAL");
            for (int i = 0; i < 50; i++) {
                s.executeQuery("select balance from accounts where id = 1").close();
            }
        }
        Thread.sleep(1100);
        Map<String, Object> stats = c.json("/api/stats");
        assertEquals(before + 50, eventual(stats, "replica_reads"));
        assertNotNull(stats.get("rate_interval_ms"));
        Map<String, Object> level = list(stats, "levels").stream().filter(l -> "EVENTUAL".equals(l.get("level")))
                .findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> rates = (Map<String, Object>) level.get("rates");
        assertTrue(((Number) rates.get("replica_reads")).doubleValue() > 0, rates.toString());
        for (String k : List.of("primary_reads", "replica_reads", "waits", "wait_ms", "fallbacks", "errors", "sync_commits")) {
            assertTrue(level.containsKey(k) && rates.containsKey(k), k);
        }
    }

    private static long eventual(Map<String, Object> stats, String column) {
        return list(stats, "levels").stream().filter(l -> "EVENTUAL".equals(l.get("level"))).findFirst()
                .map(l -> number(l.get(column))).orElseThrow();
    }
}
