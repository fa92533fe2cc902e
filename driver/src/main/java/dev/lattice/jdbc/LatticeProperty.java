package dev.lattice.jdbc;

import java.sql.DriverPropertyInfo;
import java.util.Properties;

/**
 * Every connection property of {@code jdbc:lattice:}, once: its name, default, description and
 * allowed values. URL parameters and {@link Properties} use the same names;
 * {@link LatticeDriver#getPropertyInfo} and the README table are made from this enum.
 */
public enum LatticeProperty {

    REPLICAS("replicas", "2", "Number of replicas of a mem: or file: cluster (0 to 64).", null),
    CONSISTENCY("consistency", "CAUSAL", "The session's starting consistency level (SPEC §2), "
            + "e.g. EVENTUAL, READ_YOUR_WRITES, CAUSAL, 'BOUNDED_STALENESS 500 MS', STRONG.", null),
    CONSISTENCY_TIMEOUT("consistencyTimeout", "1000", "Milliseconds a read waits for a replica to catch up "
            + "before the fallback applies.", null),
    CONSISTENCY_FALLBACK("consistencyFallback", "PRIMARY", "What a read does when no replica catches up in time: "
            + "read the primary, or fail with SQLState LT001.", new String[] {"PRIMARY", "ERROR"}),
    FAILURE_TIMEOUT("failureTimeout", "1000", "Milliseconds a STRONG commit waits for a replica of the synchronous "
            + "set before that replica leaves the set (failure detection).", null),
    SESSION_SCOPE("sessionScope", "connection", "'shared' makes all connections to one cluster in this JVM share "
            + "their written and observed LSNs.", new String[] {"connection", "shared"}),
    USER("user", "sa", "User Lattice connects to the H2 nodes as.", null),
    PASSWORD("password", "", "Password of that user on the H2 nodes.", null),
    LOCK_TIMEOUT("lockTimeout", "10000", "Milliseconds a lock wait (and a DDL waiting for open write "
            + "transactions) may last before failing.", null),
    LOG_RETENTION("logRetention", "100000", "How many transactions the change log keeps; a replica further "
            + "behind is rebuilt from a snapshot. The newest 16,384 that a replica has yet to apply are kept as "
            + "objects; older ones are encoded (a few hundred bytes for a one-row update). What every replica "
            + "applied is let go, unless a replica is a server of its own.", null),
    MAX_REPLICA_LAG("maxReplicaLag", "10000", "H2 clusters: how many LSNs the slowest healthy replica may fall "
            + "behind before commits wait for it (backpressure); paused, failing and unreachable replicas hold no one "
            + "back. 0 turns backpressure off.", null),
    APPLY_CHUNK("applyChunk", "0", "H2 clusters: the most transactions an applier commits on its replica at once; "
            + "between two such commits it lets other threads run (Thread.yield). 0: all it finds, up to 256. The proxy "
            + "uses 64, so a statement served on the applier's core waits for one chunk, not a whole batch.", null),
    PRIMARY("primary", null, "nodes: only. JDBC URL of the primary: an H2 database (embedded in this JVM) or a "
            + "PostgreSQL primary (jdbc:postgresql://host:port/db).", null),
    REPLICA("replica", null, "nodes: only, repeatable. JDBC URL of a replica: an H2 database (embedded or a "
            + "jdbc:h2:tcp: server; put the Lattice driver jar on such a server's classpath, see Replication below) "
            + "or a PostgreSQL hot standby of the primary.", null),
    POLL_INTERVAL("pollInterval", "5", "PostgreSQL nodes: milliseconds between polls of each node's WAL position "
            + "(a read that waits polls at once).", null),
    NODE_POOL_SIZE("nodePoolSize", "50", "Remote nodes: the most pooled connections to one node; each session "
            + "holds one per node it uses.", null);

    private final String key;
    private final String defaultValue;
    private final String description;
    private final String[] choices;

    LatticeProperty(String key, String defaultValue, String description, String[] choices) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.choices = choices;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The allowed values, or null when any value of the right form is allowed. */
    public String[] choices() {
        return choices == null ? null : choices.clone();
    }

    /** The value in the properties, or the default. */
    public String get(Properties properties) {
        String value = properties.getProperty(key);
        return value == null ? defaultValue : value;
    }

    /** The value as a whole number within the bounds, or an error naming this setting. */
    public long getLong(Properties properties, long min, long max) throws java.sql.SQLException {
        String value = get(properties);
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw invalid(value, "a whole number from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(value, "a whole number from " + min + " to " + max);
        }
    }

    /** The value, checked against the choices (case-insensitive), or an error naming this setting. */
    public String getChoice(Properties properties) throws java.sql.SQLException {
        String value = get(properties);
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(value.trim())) {
                return choice;
            }
        }
        throw invalid(value, "one of " + String.join(", ", choices));
    }

    java.sql.SQLException invalid(String value, String expected) {
        return new java.sql.SQLException("Invalid value '" + value + "' for connection property " + key
                + ": expected " + expected, "22023");
    }

    /** The property by its name (case-insensitive), or null. */
    public static LatticeProperty byKey(String key) {
        for (LatticeProperty p : values()) {
            if (p.key.equalsIgnoreCase(key)) {
                return p;
            }
        }
        return null;
    }

    DriverPropertyInfo info(Properties properties) {
        DriverPropertyInfo info = new DriverPropertyInfo(key, properties.getProperty(key, defaultValue));
        info.description = description + (defaultValue == null ? "" : " Default: " + (defaultValue.isEmpty()
                ? "(empty)" : defaultValue) + ".");
        info.choices = choices();
        info.required = false;
        return info;
    }

    /** The README's table of properties, as Markdown. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| property | default | description |\n|---|---|---|\n");
        for (LatticeProperty p : values()) {
            String def = p.defaultValue == null ? "" : p.defaultValue.isEmpty() ? "(empty)" : "`" + p.defaultValue + "`";
            out.append("| `").append(p.key).append("` | ").append(def).append(" | ").append(p.description);
            if (p.choices != null) {
                out.append(" One of: ").append(String.join(", ", p.choices)).append('.');
            }
            out.append(" |\n");
        }
        return out.toString();
    }
}
