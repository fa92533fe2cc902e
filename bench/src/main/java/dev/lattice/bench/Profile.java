package dev.lattice.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code --profile}: a JDK Flight Recorder sampling of thread stacks (every millisecond) over the
 * run, summarised as where the CPU went: client threads inside Lattice, client threads on raw H2,
 * and the replicas' appliers, each with its hottest frames and the Lattice methods that include
 * the most samples.
 */
final class Profile implements AutoCloseable {

    private final Recording recording = new Recording();

    Profile() {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
        recording.setToDisk(true);
        recording.start();
    }

    /** Stops the recording, keeps it in {@code file}, and returns the summary. */
    String finish(Path file, int top) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Group> groups = new LinkedHashMap<>();
        for (String g : List.of("client threads in Lattice calls", "client threads on raw H2",
                "replica appliers", "other threads")) {
            groups.put(g, new Group());
        }
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
            String group;
            if (thread != null && thread.startsWith("bench-client")) {
                group = frames.stream().anyMatch(f -> f.startsWith("dev.lattice.jdbc."))
                        ? "client threads in Lattice calls" : "client threads on raw H2";
            } else if (thread != null && thread.startsWith("lattice-applier")) {
                group = "replica appliers";
            } else {
                group = "other threads";
            }
            groups.get(group).add(frames);
        }
        StringBuilder out = new StringBuilder("Profile: JFR execution samples every 1 ms, in " + file + " ("
                + Machine.coresNote() + "). Shares are of the group's samples; a sample is one thread found "
                + "running Java code, so a thread waiting for a core is not sampled.\n");
        for (Map.Entry<String, Group> g : groups.entrySet()) {
            if (g.getValue().samples > 0) {
                out.append('\n').append(g.getValue().summary(g.getKey(), top));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        recording.close();
    }

    /** The samples of one kind of thread. */
    private static final class Group {
        private final Map<String, Integer> self = new LinkedHashMap<>();
        private final Map<String, Integer> latticeInclusive = new LinkedHashMap<>();
        private int samples;

        void add(List<String> frames) {
            samples++;
            if (!frames.isEmpty()) {
                self.merge(frames.get(0), 1, Integer::sum);
            }
            Set<String> seen = new HashSet<>();
            for (String f : frames) {
                if (f.startsWith("dev.lattice.") && !f.startsWith("dev.lattice.bench.") && seen.add(f)) {
                    latticeInclusive.merge(f, 1, Integer::sum);
                }
            }
        }

        String summary(String name, int top) {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s: %,d samples%n", name, samples));
            out.append("  hottest frames (self):\n");
            list(out, self, top);
            if (!latticeInclusive.isEmpty()) {
                out.append("  Lattice methods (including what they call):\n");
                list(out, latticeInclusive, top);
            }
            return out.toString();
        }

        private void list(StringBuilder out, Map<String, Integer> counts, int top) {
            counts.entrySet().stream()
                    .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                    .limit(top)
                    .forEach(e -> out.append(String.format(Locale.ROOT, "  %6.1f%%  %s%n",
                            100.0 * e.getValue() / samples, e.getKey())));
        }
    }
}
