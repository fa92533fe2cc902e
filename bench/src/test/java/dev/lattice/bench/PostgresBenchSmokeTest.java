package dev.lattice.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code --postgres} for a fraction of a second per cell (a throwaway PostgreSQL primary and two
 * standbys included, ~15 s) and checks that every figure is there and no operation failed: the
 * Lattice-over-PostgreSQL path of the harness works. It measures nothing. Where {@code CI} is set it
 * never skips: CI installs postgresql-15.
 */
class PostgresBenchSmokeTest {

    @Test
    void aTinyPostgresRunPrintsEveryTableWithoutErrors(@TempDir Path dir) throws Exception {
        boolean installed;
        try (Stream<Path> bins = Files.list(Path.of("/usr/lib/postgresql"))) {
            installed = bins.anyMatch(b -> Files.isExecutable(b.resolve("bin/initdb")));
        } catch (IOException e) {
            installed = false;
        }
        if (System.getenv("CI") == null) {
            assumeTrue(installed, "PostgreSQL server binaries not found (apt-get install postgresql-15)");
        }
        BenchOptions options = BenchOptions.parse("--postgres", "--configs", "lattice-pg-causal",
                "--threads", "1,2", "--rows", "200", "--global-warmup-ms", "100", "--warmup-ms", "50",
                "--measure-ms", "150", "--rounds", "1", "--share-ms", "200", "--out", dir.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Report report = Benchmarks.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = report.plain();
        String all = log.toString(StandardCharsets.UTF_8) + "\n" + text;

        assertTrue(text.contains("ratios are to pgjdbc straight to the PostgreSQL primary"), all);
        List<String[]> rows = BenchmarksSmokeTest.tableRows(text, "== Throughput and latency");
        assertEquals(2 * 2 * 2, rows.size(), all);
        double total = 0;
        for (String[] row : rows) {
            assertEquals(10, row.length, String.join("|", row));
            // one cold operation on a busy machine can outlast a 150 ms window: only the sum must be positive
            double throughput = Double.parseDouble(row[3].replace(",", ""));
            assertTrue(throughput >= 0, "throughput of " + String.join(" ", row));
            total += throughput;
            assertEquals("0", row[9], "errors of " + String.join(" ", row) + "\n" + all);
            if (row[2].equals(PgTargets.BASELINE) && throughput > 0) {
                assertEquals("1.00", row[6], "pg-direct's ratio to itself");
            }
        }
        assertTrue(total > 0, all);
        List<String[]> matrix = BenchmarksSmokeTest.tableRows(text, "== Ratio to pgjdbc");
        assertEquals(2 * 2, matrix.size(), all);
        assertEquals(3 + 1, matrix.get(0).length, all);
        assertEquals(2 * 2, BenchmarksSmokeTest.tableRows(text, "== Targets").size(), all);

        List<String[]> share = BenchmarksSmokeTest.tableRows(text, "== Reads served by standbys");
        assertEquals(PgReplicaReadShare.VARIANTS.size(), share.size(), all);
        long reads = 0;
        for (String[] row : share) {
            reads += Long.parseLong(row[6]); // counted by SHOW STATS
            assertEquals("0", row[12], "errors (a stale read is one) of " + String.join(" ", row) + "\n" + all);
        }

        assertTrue(reads > 0, all);
        assertEquals(1, BenchmarksSmokeTest.tableRows(text, "== PostgreSQL's own commit-to-replay delay").size(), all);

        List<Path> files = report.write(dir, "smoke");
        assertTrue(files.contains(dir.resolve("smoke-postgres-throughput.csv")), files.toString());
        assertEquals(1 + 8, Files.readAllLines(dir.resolve("smoke-postgres-throughput.csv")).size());
        assertEquals(1 + share.size(), Files.readAllLines(dir.resolve("smoke-postgres-standby-reads.csv")).size());
        assertEquals(2, Files.readAllLines(dir.resolve("smoke-postgres-replay-delay.csv")).size());
        assertTrue(Files.readString(dir.resolve("smoke-postgres.md")).contains("| lattice-pg-causal |"));
        assertFalse(Files.exists(dir.resolve("smoke-postgres-ratios.svg")));
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // the cluster's folder is deleted once its servers have stopped
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("lattice-bench-pg-")
                    && log.toString(StandardCharsets.UTF_8).contains(p.toString())), "cluster folder left behind");
        }
    }
}
