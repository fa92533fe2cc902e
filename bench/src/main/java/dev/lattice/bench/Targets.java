package dev.lattice.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The standard configurations, by name: raw H2 first (the bar), then Lattice. */
public final class Targets {

    /** Name of the raw H2 target, the one every ratio divides by. */
    public static final String BASELINE = "h2";

    private static final Map<String, Function<String, Target>> STANDARD = new LinkedHashMap<>();
    /** Run only when named: their figures are of H2's network protocol as much as of Lattice. */
    private static final List<String> ON_REQUEST = new ArrayList<>();

    static {
        STANDARD.put(BASELINE, prefix -> new RawH2Target(BASELINE, prefix + "-h2"));
        STANDARD.put("lattice-0r", prefix -> new LatticeTarget("lattice-0r", prefix + "-0r", 0, null, ""));
        level("2r-eventual", "EVENTUAL");
        level("2r-causal", "CAUSAL");
        level("2r-ryw", "READ_YOUR_WRITES");
        level("2r-bounded100ms", "BOUNDED_STALENESS 100 MS");
        level("2r-strong", "STRONG");
        level("2r-quorum", "QUORUM");
        level("2r-linearizable", "LINEARIZABLE");
        level("2r-serializable", "SERIALIZABLE");
        remote("2r-remote-eventual", "EVENTUAL");
        remote("2r-remote-causal", "CAUSAL");
    }

    private Targets() {
    }

    private static void level(String name, String consistency) {
        STANDARD.put(name, prefix -> new LatticeTarget(name, prefix + "-" + name, 2, consistency, ""));
    }

    /** Two replicas on an H2 server in a child JVM, applied by that server (ServerSideApply). */
    private static void remote(String name, String consistency) {
        STANDARD.put(name, prefix -> LatticeTarget.withRemoteReplicas(name, prefix + "-" + name, 2, consistency));
        ON_REQUEST.add(name);
    }

    /** Every standard name, in table order. */
    public static List<String> names() {
        return List.copyOf(STANDARD.keySet());
    }

    /** What a run measures unless --configs says otherwise: every name but those run on request. */
    public static List<String> defaults() {
        List<String> names = new ArrayList<>(STANDARD.keySet());
        names.removeAll(ON_REQUEST);
        return List.copyOf(names);
    }

    /**
     * The named targets, in table order, with the baseline always included and first.
     *
     * @param prefix makes the databases' names unique to this run
     */
    public static List<Target> create(List<String> names, String prefix) {
        for (String n : names) {
            if (!STANDARD.containsKey(n)) {
                throw new IllegalArgumentException("Unknown configuration '" + n + "'; known: " + names());
            }
        }
        List<Target> out = new ArrayList<>();
        for (Map.Entry<String, Function<String, Target>> e : STANDARD.entrySet()) {
            if (e.getKey().equals(BASELINE) || names.contains(e.getKey())) {
                out.add(e.getValue().apply(prefix));
            }
        }
        return out;
    }
}
