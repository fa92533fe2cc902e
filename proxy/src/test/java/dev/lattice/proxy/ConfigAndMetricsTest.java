package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.config.ConfigLoader;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.metrics.MetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration is checked with messages that name the setting; md5 works when chosen; metrics are served. */
class ConfigAndMetricsTest {

    private static String failure(Map<String, Object> values) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.fromMap(values)).getMessage();
    }

    @Test
    void defaultsAreLoopbackWithTheLatticeUser() throws Exception {
        ProxyConfig c = ConfigLoader.fromArgs(new String[0]);
        assertEquals("127.0.0.1", c.host());
        assertEquals(5433, c.port());
        assertTrue(c.users().containsKey("lattice"));
        assertEquals("jdbc:lattice:mem:proxy;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + "?replicas=2&applyChunk=64", c.clusterUrl(),
                "the default cluster's H2 nodes run in PostgreSQL mode, its appliers commit 64 transactions at most");
    }

    @Test
    void aClusterUrlKeepsItsOwnApplyChunk() throws Exception {
        assertEquals("jdbc:lattice:mem:x;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                        + "?applyChunk=0&replicas=1",
                ConfigLoader.fromMap(Map.of("cluster", Map.of("url", "jdbc:lattice:mem:x?applyChunk=0&replicas=1")))
                        .clusterUrl());
        assertEquals("jdbc:lattice:mem:y;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                        + "?replicas=1&applyChunk=64",
                ConfigLoader.fromMap(Map.of("cluster", Map.of("url", "jdbc:lattice:mem:y?replicas=1"))).clusterUrl());
        assertTrue(failure(Map.of("cluster", Map.of("url", "jdbc:lattice:mem:z?applyChunk=-1")))
                .startsWith("cluster.url"), "a negative chunk is refused, naming the setting");
    }

    @Test
    void anotherAddressWithoutConfiguredUsersIsRefused() {
        assertTrue(failure(Map.of("host", "0.0.0.0")).startsWith("host:"));
    }

    @Test
    void badSettingsNameTheSetting() {
        assertTrue(failure(Map.of("port", "abc")).startsWith("port:"));
        assertTrue(failure(Map.of("port", 70000)).startsWith("port:"));
        assertTrue(failure(Map.of("auth", "kerberos")).startsWith("auth:"));
        assertTrue(failure(Map.of("colour", "blue")).contains("'colour'"));
        assertTrue(failure(Map.of("consistency", "sometimes")).contains("consistency"));
        assertTrue(failure(Map.of("users", List.of(Map.of("name", "x")))).startsWith("users[0]"));
        assertTrue(failure(Map.of("tls", Map.of("certificate", "/nonexistent.pem", "key", "/k.pem")))
                .startsWith("tls.certificate"));
        assertTrue(failure(Map.of("cluster", Map.of("url", "jdbc:other:x"))).startsWith("cluster.url"));
    }

    @Test
    void yamlFileAndFlagsAreReadAndFlagsWin(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("lattice.yaml"), """
                host: 127.0.0.1
                port: 6000
                consistency: STRONG
                maxConnections: 7
                users:
                  - name: app
                    password: secret
                """);
        ProxyConfig c = ConfigLoader.fromArgs(new String[] {"--config", file.toString(), "--port", "6001"});
        assertEquals(6001, c.port());
        assertEquals(7, c.maxConnections());
        assertTrue(c.usersConfigured());
        assertEquals("STRONG", c.sessionProperties().getProperty("consistency"));
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "port: [1\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.fromArgs(new String[] {"--config", bad.toString()}));
        assertThrows(ConfigException.class, () -> ConfigLoader.fromArgs(new String[] {"--bogus"}));
    }

    @Test
    void md5AuthenticationWorksWhenConfigured() throws Exception {
        try (RunningProxy proxy = RunningProxy.start("md5", Map.of("auth", "md5",
                "users", List.of(Map.of("name", "app", "password", "pw"))))) {
            try (Connection c = proxy.connect(RunningProxy.props("user", "app", "password", "pw"));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                assertTrue(rs.next());
            }
            SQLException e = assertThrows(SQLException.class,
                    () -> proxy.connect(RunningProxy.props("user", "app", "password", "nope")));
            assertEquals("28P01", e.getSQLState());
        }
    }

    @Test
    void metricsServeSessionsRoutingCountersAndReplicaLag() throws Exception {
        try (RunningProxy proxy = RunningProxy.start("metrics");
             MetricsServer metrics = MetricsServer.start(proxy.server, "127.0.0.1", 0);
             Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table m (id int primary key)");
            s.execute("insert into m values (1)");
            try (ResultSet rs = s.executeQuery("select * from m")) {
                assertTrue(rs.next());
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("lattice_proxy_sessions 1"), body);
            assertTrue(body.contains("lattice_routing_replica_reads_total{level=\"CAUSAL\"}"), body);
            assertTrue(body.contains("lattice_replica_lag_lsn{replica=\"replica1\""), body);
            assertTrue(body.contains("lattice_committed_lsn"), body);
            assertTrue(body.contains("lattice_replica_rebuilds_total{replica=\"replica1\",cause=\"INITIAL\"} 1"), body);
        }
    }

    @Test
    void theBannerSaysWhereAndHowToConnect() throws Exception {
        try (RunningProxy proxy = RunningProxy.start("banner")) {
            String banner = LatticeProxy.banner(proxy.server, null);
            assertTrue(banner.contains("user 'lattice' / password 'lattice', loopback only"), banner);
            assertTrue(banner.contains("psql -h 127.0.0.1 -p " + proxy.port() + " -U lattice"), banner);
        }
    }
}
