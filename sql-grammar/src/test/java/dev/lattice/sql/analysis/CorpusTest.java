package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real statements of real tools (src/test/resources/corpus/*.sql; the format is described at the
 * top of each file): every one is classified with the kind its file expects, its tables are
 * found, and how many Calcite parses fully is reported.
 */
class CorpusTest {
  private static final List<String> FILES =
      List.of("hibernate-h2.sql", "pgbench.sql", "pgjdbc-psql.sql", "h2.sql", "lattice.sql");
  private static final StatementAnalyzer ANALYZER = new StatementAnalyzer();
  private static final List<String> REPORT = new ArrayList<>();
  private static int total;
  private static int parsed;

  @TestFactory
  Stream<DynamicTest> everyCorpusStatementIsClassifiedAsExpected() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String file : FILES) {
      List<Entry> entries = read(file);
      assertFalse(entries.isEmpty(), file);
      for (Entry e : entries) {
        tests.add(DynamicTest.dynamicTest(file + ":" + e.line + " " + e.firstLine(),
            () -> check(file, e)));
      }
    }
    return tests.stream();
  }

  private static void check(String file, Entry e) throws SQLException {
    StatementAnalysis a = ANALYZER.analyze(e.sql);
    synchronized (REPORT) {
      total++;
      if (a.parsed()) {
        parsed++;
      } else {
        REPORT.add("  not parsed: " + file + ":" + e.line + " " + e.firstLine());
      }
    }
    assertEquals(e.kind, a.kind(), () -> e.sql + "\n -> " + a);
    if (e.tables != null) {
      assertEquals(e.tables, a.tables(), () -> e.sql + "\n -> " + a);
    }
    if (e.writes != null) {
      assertEquals(e.writes, a.writtenTables(), () -> e.sql + "\n -> " + a);
    }
    if (a.kind() == StatementKind.OTHER) {
      assertTrue(a.mayTouchAnything(), e.sql);
    }
  }

  @AfterAll
  static void report() {
    System.out.printf("Corpus: %d of %d statements parsed fully by Calcite (%.0f%%)%n",
        parsed, total, total == 0 ? 0.0 : 100.0 * parsed / total);
    REPORT.forEach(System.out::println);
  }

  /** One corpus statement with what its file expects. */
  private record Entry(int line, StatementKind kind, Set<TableName> tables,
      Set<TableName> writes, String sql) {
    String firstLine() {
      String first = sql.strip().lines().findFirst().orElse("");
      return first.length() > 60 ? first.substring(0, 60) + "…" : first;
    }
  }

  private static List<Entry> read(String file) throws IOException {
    String text;
    try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/" + file)) {
      if (in == null) {
        throw new IOException("missing corpus file " + file);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    int i = 0;
    while (i < lines.length && !lines[i].startsWith("@")) {
      i++;
    }
    while (i < lines.length) {
      int headerLine = i + 1;
      String header = lines[i++];
      StringBuilder sql = new StringBuilder();
      while (i < lines.length && !lines[i].equals(";;")) {
        sql.append(lines[i++]).append('\n');
      }
      i++;
      entries.add(entry(file, headerLine, header, sql.toString()));
    }
    return entries;
  }

  private static Entry entry(String file, int line, String header, String sql) {
    String[] parts = header.substring(1).trim().split("\\s+");
    StatementKind kind = StatementKind.valueOf(parts[0]);
    Set<TableName> tables = null;
    Set<TableName> writes = null;
    for (int p = 1; p < parts.length; p++) {
      if (parts[p].startsWith("tables=")) {
        tables = names(parts[p].substring("tables=".length()));
      } else if (parts[p].startsWith("writes=")) {
        writes = names(parts[p].substring("writes=".length()));
      } else {
        throw new IllegalArgumentException(file + ":" + line + ": unknown " + parts[p]);
      }
    }
    // The last line break belongs to the file layout, not to the statement.
    return new Entry(line, kind, tables, writes, sql.substring(0, Math.max(0, sql.length() - 1)));
  }

  private static Set<TableName> names(String list) {
    Set<TableName> set = new LinkedHashSet<>();
    for (String name : list.split(",")) {
      if (!name.isBlank()) {
        set.add(TableName.parse(name));
      }
    }
    return set;
  }
}
