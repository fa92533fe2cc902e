package dev.lattice.proxy.config;

import dev.lattice.proxy.auth.AuthMethod;
import dev.lattice.proxy.auth.ScramVerifier;
import dev.lattice.proxy.auth.UserCredentials;
import dev.lattice.proxy.pgsql.H2PostgresMode;
import dev.lattice.jdbc.LatticeProperty;
import dev.lattice.jdbc.LatticeUrl;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads the YAML configuration file and the command-line flags (flags win), checks every value
 * and names the setting of any that is wrong.
 */
public final class ConfigLoader {

    static final Set<String> KEYS = Set.of("host", "port", "metricsPort", "auth", "users", "tls", "cluster",
            "consistency", "consistencyTimeout", "consistencyFallback", "maxConnections", "idleTimeout",
            "maxMessageSize", "maxConnectionsPerAddress", "authenticationTimeout", "maxStatementLength", "http");
    public static final String USAGE_TEXT = """
            usage: java -jar lattice-proxy.jar [--config FILE] [--host ADDR] [--port N] [--metrics-port N] [--http-port N] [--cluster URL]
              --config FILE      YAML configuration (see README, "Proxy")
              --host ADDR        listen address (default 127.0.0.1)
              --port N           listen port (default 5433)
              --metrics-port N   serve Prometheus metrics on this port (default: off)
              --http-port N      serve the web console and its JSON API on this port (default: off)
              --cluster URL      a jdbc:lattice: URL (default jdbc:lattice:mem:proxy?replicas=2)""";

    private ConfigLoader() {
    }

    /** The configuration from command-line arguments (and the file they name). */
    public static ProxyConfig fromArgs(String[] args) throws ConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            String key = switch (name) {
                case "--config" -> "config";
                case "--host" -> "host";
                case "--port" -> "port";
                case "--metrics-port" -> "metricsPort";
                case "--http-port" -> "httpPort";
                case "--cluster" -> "cluster";
                default -> throw new ConfigException("unknown option " + arg + "\n" + USAGE_TEXT);
            };
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("option " + name + " needs a value\n" + USAGE_TEXT);
                }
                value = args[++i];
            }
            flags.put(key, value);
        }
        Object file = flags.remove("config");
        if (file != null) {
            values.putAll(readYaml(Path.of((String) file)));
        }
        if (flags.containsKey("cluster")) {
            values.put("cluster", Map.of("url", flags.remove("cluster")));
        }
        if (flags.containsKey("httpPort")) {
            values.put("http", Map.of("port", flags.remove("httpPort")));
        }
        values.putAll(flags);
        return fromMap(values);
    }

    static Map<String, Object> readYaml(Path file) throws ConfigException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(reader);
            if (doc == null) {
                return Map.of();
            }
            if (!(doc instanceof Map<?, ?> map)) {
                throw new ConfigException(file + ": the configuration must be a mapping of settings");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        } catch (IOException e) {
            throw new ConfigException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        } catch (YamlEngineException e) {
            throw new ConfigException("the configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** Checks and freezes settings given as a map (the parsed YAML, with flags laid over it). */
    public static ProxyConfig fromMap(Map<String, Object> values) throws ConfigException {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown setting '" + key + "'; the settings are " + new java.util.TreeSet<>(KEYS));
            }
        }
        String host = string(values, "host", ProxyConfig.DEFAULT_HOST);
        int port = integer(values, "port", ProxyConfig.DEFAULT_PORT, 0, 65535);
        int metricsPort = integer(values, "metricsPort", 0, 0, 65535);
        String authText = string(values, "auth", AuthMethod.SCRAM_SHA_256.configName());
        AuthMethod auth = AuthMethod.parse(authText);
        if (auth == null) {
            throw new ConfigException("auth: must be scram-sha-256, md5 or trust, not '" + authText + "'");
        }
        Map<String, UserCredentials> users = users(values.get("users"));
        boolean usersConfigured = !users.isEmpty();
        if (!usersConfigured) {
            users = Map.of(ProxyConfig.DEFAULT_USER,
                    UserCredentials.fromPassword(ProxyConfig.DEFAULT_USER, ProxyConfig.DEFAULT_PASSWORD));
            if (!isLoopback(host)) {
                throw new ConfigException("host: binding " + host + " needs users configured (users:); without them"
                        + " the proxy accepts lattice/lattice and so listens on loopback only");
            }
        }
        if (auth == AuthMethod.MD5) {
            for (UserCredentials u : users.values()) {
                if (u.md5() == null) {
                    throw new ConfigException("users: user '" + u.name() + "' needs a password or md5 hash for auth md5");
                }
            }
        }
        Path cert = null;
        Path key = null;
        boolean tlsRequired = false;
        if (values.get("tls") != null) {
            Map<String, Object> tls = map(values.get("tls"), "tls");
            for (String k : tls.keySet()) {
                if (!k.equals("certificate") && !k.equals("key") && !k.equals("required")) {
                    throw new ConfigException("unknown setting 'tls." + k + "'; the settings are tls.certificate, "
                            + "tls.key, tls.required");
                }
            }
            cert = readable(tls, "certificate");
            key = readable(tls, "key");
            tlsRequired = bool(tls, "required", false);
        }
        String clusterUrl = ProxyConfig.DEFAULT_CLUSTER;
        if (values.get("cluster") != null) {
            Map<String, Object> cluster = map(values.get("cluster"), "cluster");
            for (String k : cluster.keySet()) {
                if (!k.equals("url")) {
                    throw new ConfigException("unknown setting 'cluster." + k + "'; the setting is cluster.url, a "
                            + "jdbc:lattice: URL");
                }
            }
            clusterUrl = string(cluster, "url", clusterUrl);
        }
        clusterUrl = ProxyConfig.withApplyChunk(H2PostgresMode.clusterUrl(clusterUrl));
        Properties session = new Properties();
        copy(values, "consistency", session);
        copy(values, "consistencyTimeout", session);
        copy(values, "consistencyFallback", session);
        try {
            LatticeUrl parsed = LatticeUrl.parse(clusterUrl, session);
            SessionOptionsFactory.of(parsed.properties());
        } catch (SQLException e) {
            throw new ConfigException("cluster.url / consistency settings: " + e.getMessage(), e);
        }
        int maxConnections = integer(values, "maxConnections", 100, 1, 100_000);
        int idleTimeout = integer(values, "idleTimeout", 0, 0, 86_400 * 365);
        int maxMessageSize = integer(values, "maxMessageSize", 16 * 1024 * 1024, 1024, 1 << 30);
        int perAddress = integer(values, "maxConnectionsPerAddress", maxConnections, 1, 100_000);
        int authenticationTimeout = integer(values, "authenticationTimeout", 60, 1, 600);
        int maxStatementLength = integer(values, "maxStatementLength", maxMessageSize, 1, 1 << 30);
        int httpPort = dev.lattice.proxy.console.ConsoleServer.configuredPort(values.get("http"));
        return new ProxyConfig(host, port, metricsPort, auth, Map.copyOf(users), usersConfigured, cert, key, clusterUrl,
                session, maxConnections, idleTimeout, maxMessageSize, tlsRequired, Math.min(perAddress, maxConnections),
                authenticationTimeout, maxStatementLength, httpPort);
    }

    private static void copy(Map<String, Object> values, String key, Properties session) {
        Object v = values.get(key);
        if (v != null) {
            session.setProperty(LatticeProperty.byKey(key).key(), String.valueOf(v));
        }
    }

    static boolean isLoopback(String host) throws ConfigException {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("host: cannot resolve '" + host + "'", e);
        }
    }

    private static Map<String, UserCredentials> users(Object value) throws ConfigException {
        Map<String, UserCredentials> users = new LinkedHashMap<>();
        if (value == null) {
            return users;
        }
        if (!(value instanceof List<?> list)) {
            throw new ConfigException("users: must be a list of {name, password | scram | md5}");
        }
        for (int i = 0; i < list.size(); i++) {
            String where = "users[" + i + "]";
            Map<String, Object> u = map(list.get(i), where);
            for (String k : u.keySet()) {
                if (!Set.of("name", "password", "scram", "md5").contains(k)) {
                    throw new ConfigException("unknown setting '" + where + "." + k + "'; a user has name and one of "
                            + "password, scram (a SCRAM-SHA-256 verifier), md5");
                }
            }
            String name = string(u, "name", null);
            if (name == null || name.isBlank()) {
                throw new ConfigException(where + ".name: every user needs a name");
            }
            String password = string(u, "password", null);
            String scram = string(u, "scram", null);
            String md5 = string(u, "md5", null);
            UserCredentials credentials;
            if (password != null) {
                credentials = UserCredentials.fromPassword(name, password);
            } else if (scram != null || md5 != null) {
                ScramVerifier verifier = null;
                if (scram != null) {
                    try {
                        verifier = ScramVerifier.parse(scram);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(where + ".scram: " + e.getMessage(), e);
                    }
                }
                if (md5 != null && !md5.matches("md5[0-9a-f]{32}")) {
                    throw new ConfigException(where + ".md5: must be 'md5' followed by 32 hex digits");
                }
                credentials = new UserCredentials(name, verifier, md5);
            } else {
                throw new ConfigException(where + ": user '" + name + "' needs password, scram or md5");
            }
            if (users.put(name, credentials) != null) {
                throw new ConfigException(where + ".name: user '" + name + "' is configured twice");
            }
        }
        return users;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String name) throws ConfigException {
        if (!(value instanceof Map<?, ?>)) {
            throw new ConfigException(name + ": must be a mapping, not '" + value + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) value).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String string(Map<String, Object> values, String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static int integer(Map<String, Object> values, String key, int fallback, int min, int max)
            throws ConfigException {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": must be a whole number, not '" + v + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(key + ": must be between " + min + " and " + max + ", not " + n);
        }
        return (int) n;
    }

    private static boolean bool(Map<String, Object> values, String key, boolean fallback) throws ConfigException {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(v).trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException("tls." + key + ": must be true or false, not '" + v + "'");
    }

    private static Path readable(Map<String, Object> tls, String key) throws ConfigException {
        String v = string(tls, key, null);
        if (v == null) {
            throw new ConfigException("tls." + key + ": TLS needs both tls.certificate and tls.key (PEM files)");
        }
        Path p = Path.of(v);
        if (!Files.isReadable(p)) {
            throw new ConfigException("tls." + key + ": cannot read " + p.toAbsolutePath());
        }
        return p;
    }
}
