package dev.lattice.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the harness on a tiny configuration (a couple of seconds) and checks that what it prints
 * and writes is well formed. It measures nothing: benchmarks are not run as tests.
 */
class BenchmarksSmokeTest {

    @Test
    void aTinyRunPrintsAWellFormedTableAndWritesItsFiles(@TempDir Path dir) throws Exception {
        BenchOptions options = BenchOptions.parse("--configs", "lattice-0r,2r-eventual",
                        "--workloads", "point-select,text-select,insert", "--threads", "1,2", "--rows", "100",
                        "--global-warmup-ms", "0", "--warmup-ms", "5", "--measure-ms", "30", "--rounds", "2",
                        "--lag-rates", "500", "--share-delays", "0", "--out", dir.toString())
                .with(b -> {
                    b.analysisMillis = 10;
                    b.lagMillis = 150;
                    b.shareMillis = 50;
                });
        Report report = Benchmarks.run(options, new PrintStream(OutputStream.nullOutputStream()));
        String text = report.plain();

        assertTrue(text.contains("Machine: " + Machine.cores() + " core"), text);
        List<String[]> rows = tableRows(text, "== Throughput and latency");
        assertEquals(3 * 2 * 3, rows.size(), text);
        double total = 0;
        for (String[] row : rows) {
            assertEquals(10, row.length, String.join("|", row));
            double throughput = Double.parseDouble(row[3].replace(",", ""));
            assertTrue(throughput >= 0, "throughput of " + String.join(" ", row));
            total += throughput;
            Double.parseDouble(row[4]);
            Double.parseDouble(row[5].replace(",", ""));
            if (row[2].equals(Targets.BASELINE) && throughput > 0) {
                assertEquals("1.00", row[6], "raw H2's ratio to itself");
            }
        }
        assertTrue(total > 0, text);
        List<String[]> matrix = tableRows(text, "== Ratio to raw H2");
        assertEquals(3 * 2, matrix.size(), text);
        assertEquals(3 + 2, matrix.get(0).length, text);
        assertFalse(tableRows(text, "== Targets").isEmpty(), text);
        assertFalse(tableRows(text, "== Statement analysis").isEmpty(), text);
        assertEquals(1, tableRows(text, "== Replica apply lag").size(), text);
        assertEquals(5, tableRows(text, "== Reads served by replicas").size(), text);

        List<Path> files = report.write(dir, "smoke");
        Path csv = dir.resolve("smoke-quick-throughput.csv");
        assertTrue(files.contains(csv));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 18, lines.size());
        int columns = lines.get(0).split(",").length;
        for (String line : lines) {
            assertEquals(columns, line.split(",").length, line);
        }
        Path svg = dir.resolve("smoke-quick-ratios.svg");
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertTrue(Files.readString(dir.resolve("smoke-quick.md")).contains("| workload |"));
    }

    /** The cells of the plain-text table under the given section title, cut where its rule line is. */
    static List<String[]> tableRows(String text, String section) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = text.split("\n");
        int i = 0;
        while (i < lines.length && !lines[i].startsWith(section)) {
            i++;
        }
        if (i + 2 >= lines.length) {
            return rows;
        }
        String rule = lines[i + 2];
        assertTrue(rule.matches("-+( {2}-+)*"), "rule line: " + rule);
        List<int[]> spans = new ArrayList<>();
        for (java.util.regex.Matcher m = java.util.regex.Pattern.compile("-+").matcher(rule); m.find(); ) {
            spans.add(new int[] {m.start(), m.end()});
        }
        for (i += 3; i < lines.length && !lines[i].isBlank(); i++) {
            String line = lines[i];
            assertTrue(line.length() <= rule.length(), "row wider than its table: " + line);
            String[] cells = new String[spans.size()];
            for (int c = 0; c < cells.length; c++) {
                int from = Math.min(spans.get(c)[0], line.length());
                int to = Math.min(spans.get(c)[1], line.length());
                cells[c] = line.substring(from, to).trim();
            }
            rows.add(cells);
        }
        return rows;
    }
}
