package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Statements of one literal shape share one analysis: whatever the shape cache derives for a text
 * must be what analyzing that text from scratch gives.
 */
class LiteralShapesTest {

  /**
   * Shapes, with holes for random values: {i} an int, {l} a long beyond an int, {b} an integer
   * beyond a long, {s} a string literal, {d} a date string literal, {x} a small int (so values
   * often repeat).
   */
  private static final String[] SHAPES = {
      "SELECT f1 FROM usertable WHERE id = {i}",
      "SELECT f1 FROM usertable WHERE id = {x}",
      "select f1,f2 from usertable where id={i}",
      "SELECT * FROM t WHERE id IN ({x}, {x}, {x})",
      "SELECT * FROM t WHERE id IN ({i}, {i}) AND id IN ({x})",
      "SELECT * FROM t WHERE id = {x} AND id = {x}",
      "SELECT * FROM t WHERE id = {i} OR id = {i}",
      "SELECT * FROM t WHERE (a, b) IN (({x}, {s}), ({x}, {s}))",
      "UPDATE t SET x = {x} WHERE id = {x}",
      "UPDATE t SET id = {x} WHERE id = {x}",
      "UPDATE t SET id = {x} WHERE id IN ({x}, {x})",
      "UPDATE t SET name = {s}, v = v + {x} WHERE id = {i}",
      "DELETE FROM t WHERE id = {i}",
      "DELETE FROM t WHERE id IN ({x}, {x}) AND name = {s}",
      "INSERT INTO t (id, name, v) VALUES ({x}, {s}, {x}), ({x}, {s}, NULL), ({i}, {s}, {x})",
      "INSERT INTO t (id, v) VALUES ({i}, NULL), ({i}, {s})",
      "INSERT INTO usertable (ycsb_key, field0, field1) VALUES ({s}, {s}, {s})",
      "INSERT INTO t (id) SELECT {i}",
      "SELECT * FROM a JOIN b ON a.id = b.aid WHERE a.id = {x} AND b.k = {s}",
      "SELECT * FROM a, b WHERE a.id = {i} AND b.id = {i} AND a.id = b.id",
      "SELECT * FROM t WHERE id IN (SELECT tid FROM u WHERE u.k = {x}) AND id > {x}",
      "SELECT * FROM t WHERE name = {s}",
      "SELECT * FROM t WHERE id = {l}",
      "SELECT * FROM t WHERE id = {b}",
      "SELECT * FROM t WHERE id IN ({i}, {l}, {b})",
      "SELECT * FROM t WHERE id = -{x}",
      "SELECT * FROM t WHERE id = +{x}",
      "SELECT * FROM t WHERE id = - {i} AND v = {i}",
      "SELECT * FROM t WHERE id = 5. AND v > {x}",
      "SELECT * FROM t WHERE id = 5.0 AND v = {x}",
      "SELECT * FROM t WHERE name = N'ab' AND v = {s}",
      "SELECT * FROM t WHERE name = E'ab' AND v < {s}",
      "SELECT * FROM t WHERE id = {i} LIMIT {x}",
      "SELECT * FROM t WHERE id = {i} LIMIT {x} OFFSET {i}",
      "SELECT * FROM t WHERE id = {i} ORDER BY 1 FETCH FIRST {x} ROWS ONLY",
      "SELECT * FROM t WHERE id = {x} FOR UPDATE",
      "SELECT * FROM t WHERE d = DATE {d}",
      "SELECT * FROM t WHERE id = {i} AND d > DATE {d}",
      "SELECT * FROM t WHERE id = {i} AND d > {d {d}}",
      "SELECT * FROM t WHERE id = {i} AND d > TIMESTAMP {d}",
      "SELECT * FROM t WHERE id = {i} AND d > CURRENT_DATE - INTERVAL {s} DAY",
      "SELECT * FROM t WHERE id = {i} AND d > CURRENT_DATE - INTERVAL - {s} DAY",
      "SELECT * FROM t WHERE id = {i} AND d > CURRENT_DATE - INTERVAL '1' DAY({x})",
      "SELECT * FROM t WHERE id = {i} AND d > CURRENT_DATE - INTERVAL {x} DAY",
      "SELECT * FROM t WHERE id = {i} AND d > TIME WITH TIME ZONE {s}",
      "SELECT CAST(v AS VARCHAR({i})) FROM t WHERE id = {x}",
      "SELECT CAST(v AS VARCHAR({l})) FROM t WHERE id = {x}",
      "SELECT CAST(v AS DECIMAL({x}, {x})) FROM t WHERE id = {x}",
      "SELECT * FROM t TABLESAMPLE BERNOULLI({x}) WHERE id = {i}",
      "SELECT * FROM t WHERE a <> {x} AND id = {x}",
      "SELECT * FROM t WHERE a < > {x} AND id = {x}",
      "SELECT * FROM t WHERE a<>{x} AND id={x}",
      "SELECT /*+ index(t) */ * FROM t WHERE id = {i}",
      "SELECT * FROM t -- comment {x}\n WHERE id = {i}",
      "SELECT {s} {s} FROM t WHERE id = {i}",
      "SELECT * FROM t WHERE name = {s} {s}",
      "SELECT X'01' {s} FROM t WHERE id = {i}",
      "SELECT U&'a' UESCAPE {s} FROM t WHERE id = {i}",
      "SELECT * FROM t WHERE name LIKE {s} ESCAPE {s} AND id = {x}",
      "SELECT nextval({s}) FROM t WHERE id = {i}",
      "SELECT * FROM t WHERE id = {i}; SELECT {x}",
      "SELECT * FROM t WHERE id = {i};",
      "SET x = {i}",
      "SET CONSISTENCY TIMEOUT {x}",
      "SAVEPOINT s{x}",
      "CREATE TABLE t{x} (id INT PRIMARY KEY, v VARCHAR({x}))",
      "MERGE INTO t KEY (id) VALUES ({i}, {s})",
      "WITH w AS (SELECT * FROM t WHERE id = {x}) SELECT * FROM w, w AS w2",
      "SELECT * FROM t WHERE id = {i} UNION ALL SELECT * FROM u WHERE id = {i}",
      "SELECT * FROM t WHERE id = {i} AND v = '",
      "SELECT * FROM t WHERE id = {i} AND v = 'it''",
  };

  @Test
  void everyTextOfAShapeGetsTheAnalysisItsOwnParseGives() throws SQLException {
    Random random = new Random(20261206);
    long texts = 0;
    long classified = 0;
    for (String shape : SHAPES) {
      StatementAnalyzer analyzer = new StatementAnalyzer();
      for (int n = 0; n < 30; n++) {
        assertAnalyzedAsFromScratch(analyzer, variant(shape, random));
      }
      texts += 30;
      classified += analyzer.classified();
    }
    assertTrue(classified < texts * 6 / 10, classified + " of " + texts + " texts classified");
  }

  @Test
  void randomShapesOfRandomLiteralsAreAnalyzedAsFromScratch() throws SQLException {
    Random random = new Random(7);
    String[] columns = {"id", "a.id", "b.k", "name", "\"Id\"", "v"};
    String[] values = {"{i}", "{x}", "{l}", "{b}", "{s}", "-{x}", "{d}", "NULL", "1.5", "?"};
    for (int s = 0; s < 300; s++) {
      StringBuilder shape = new StringBuilder(random.nextBoolean()
          ? "SELECT * FROM t AS a JOIN u AS b ON a.id = b.aid WHERE "
          : "DELETE FROM t a WHERE ");
      int conjuncts = 1 + random.nextInt(3);
      for (int c = 0; c < conjuncts; c++) {
        shape.append(c == 0 ? "" : random.nextInt(5) == 0 ? " OR " : " AND ");
        shape.append(columns[random.nextInt(columns.length)]);
        if (random.nextBoolean()) {
          shape.append(" = ").append(values[random.nextInt(values.length - 1)]);
        } else {
          shape.append(" IN (");
          int n = 1 + random.nextInt(4);
          for (int v = 0; v < n; v++) {
            shape.append(v == 0 ? "" : ", ").append(values[random.nextInt(values.length)]);
          }
          shape.append(')');
        }
      }
      StatementAnalyzer analyzer = new StatementAnalyzer();
      for (int n = 0; n < 15; n++) {
        assertAnalyzedAsFromScratch(analyzer, variant(shape.toString(), random));
      }
    }
  }

  @Test
  void aStatementOfAKnownShapeIsNotParsedAgain() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    for (int id = 1; id <= 100; id++) {
      StatementAnalysis a = analyzer.analyze("SELECT f1 FROM usertable WHERE id = " + id);
      assertEquals(List.of(new KeyValue.Literal((long) id)),
          a.keyPredicates(TableName.of("USERTABLE")).get(0).values());
    }
    assertEquals(2, analyzer.classified(), "the first text, and the probe of its shape");
    assertEquals(1, analyzer.cachedShapes());
    assertEquals(1, analyzer.cachedStatements(), "texts derived from a shape are not cached");
  }

  @Test
  void aTextWhoseEveryLiteralIsAKeyValueComesWithItsLiteralsAsParameters() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    assertNull(analyzer.analyze("SELECT f1 FROM usertable WHERE id = 1").literalParameters(),
        "the first text of a shape is parsed as it is");
    assertEquals(new LiteralParameters("SELECT f1 FROM usertable WHERE id = ?", List.of(2)),
        analyzer.analyze("SELECT f1 FROM usertable WHERE id = 2").literalParameters());
    analyzer.analyze("DELETE FROM t WHERE id IN (1, 3000000000, 'x''y')");
    assertEquals(new LiteralParameters("DELETE FROM t WHERE id IN (?, ?, ?)",
            List.of(7, 3000000001L, "it's")),
        analyzer.analyze("DELETE FROM t WHERE id IN (7, 3000000001, 'it''s')").literalParameters());
    analyzer.analyze("UPDATE t SET id = 5 WHERE id = 6");
    assertEquals(new LiteralParameters("UPDATE t SET id = ? WHERE id = ?", List.of(8, 9)),
        analyzer.analyze("UPDATE t SET id = 8 WHERE id = 9").literalParameters(),
        "SET id = 8 names the row's new key");
  }

  @Test
  void aTextWithALiteralThatIsNoKeyValueKeepsItsLiterals() throws SQLException {
    String[][] pairs = {
        {"SELECT * FROM t WHERE id = 1 LIMIT 10", "SELECT * FROM t WHERE id = 2 LIMIT 10"},
        {"SELECT * FROM t WHERE id = 1 ORDER BY 1", "SELECT * FROM t WHERE id = 2 ORDER BY 1"},
        {"UPDATE t SET v = v + 1 WHERE id = 1", "UPDATE t SET v = v + 1 WHERE id = 2"},
        {"UPDATE t SET v = 5 WHERE id = 1", "UPDATE t SET v = 6 WHERE id = 2"},
        {"SELECT 5, f1 FROM usertable WHERE id = 1", "SELECT 5, f1 FROM usertable WHERE id = 2"},
    };
    for (String[] pair : pairs) {
      StatementAnalyzer analyzer = new StatementAnalyzer();
      analyzer.analyze(pair[0]);
      StatementAnalysis second = analyzer.analyze(pair[1]);
      assertEquals(1, analyzer.cachedShapes(), pair[1]);
      assertNull(second.literalParameters(), pair[1]);
    }
  }

  @Test
  void aShapeWhoseKeyValueIsComputedFromALiteralIsParsedEveryTime() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    // -0 is 0, the value of the literal 0: only the probe tells that the key is its negation.
    assertEquals(new KeyValue.Literal(0L),
        analyzer.analyze("SELECT * FROM t WHERE id = -0").keyPredicates().get(0).values().get(0));
    assertEquals(new KeyValue.Literal(-7L),
        analyzer.analyze("SELECT * FROM t WHERE id = -7").keyPredicates().get(0).values().get(0));
    long before = analyzer.classified();
    analyzer.analyze("SELECT * FROM t WHERE id = -8");
    assertEquals(before + 1, analyzer.classified());
  }

  @Test
  void aKeyValueThatOnlyEqualsALiteralIsNotTakenFromIt() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    // The key 5. (a Long 5, as Calcite reads it) equals the literal 5 of the other conjunct.
    analyzer.analyze("SELECT * FROM t WHERE id = 5. AND v > 5");
    assertEquals(new KeyValue.Literal(5L), analyzer.analyze("SELECT * FROM t WHERE id = 5. AND v > 6")
        .keyPredicates().get(0).values().get(0));
    analyzer.analyze("SELECT * FROM t WHERE name = N'ab' AND v < 'ab'");
    assertEquals(new KeyValue.Literal("ab"), analyzer.analyze(
        "SELECT * FROM t WHERE name = N'ab' AND v < 'cd'").keyPredicates().get(0).values().get(0));
  }

  @Test
  void aLiteralTheParserChecksKeepsItsShapeFromBeingReused() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    assertTrue(analyzer.analyze("SELECT * FROM t WHERE id = 1 AND d > {d '2024-01-02'}").parsed());
    assertEquals(StatementKind.OTHER,
        analyzer.analyze("SELECT * FROM t WHERE id = 2 AND d > {d 'not a date'}").kind());
    assertTrue(analyzer.analyze("SELECT CAST(v AS VARCHAR(10)) FROM t WHERE id = 1").parsed());
    assertEquals(StatementKind.OTHER,
        analyzer.analyze("SELECT CAST(v AS VARCHAR(3000000000)) FROM t WHERE id = 1").kind());
  }

  @Test
  void spacingAndCommentsArePartOfTheShape() {
    assertEquals(LiteralShapes.Text.of("SELECT * FROM t WHERE id = 1").key,
        LiteralShapes.Text.of("SELECT * FROM t WHERE id = 123456").key);
    assertEquals(LiteralShapes.Text.of("SELECT * FROM t WHERE v = 'x'").key,
        LiteralShapes.Text.of("SELECT * FROM t WHERE v = 'it''s'").key);
    String[] different = {"SELECT * FROM t WHERE a <> 1", "SELECT * FROM t WHERE a < > 1",
        "SELECT * FROM t WHERE a <> 1 /* x */", "SELECT * FROM t WHERE a <> 1 /* y */",
        "select * from t where a <> 1", "SELECT * FROM t WHERE a <> 3000000000",
        "SELECT * FROM t WHERE a <> 30000000000000000000", "SELECT * FROM t WHERE a <> '1'"};
    for (int i = 0; i < different.length; i++) {
      for (int j = i + 1; j < different.length; j++) {
        assertTrue(!LiteralShapes.Text.of(different[i]).key.equals(
            LiteralShapes.Text.of(different[j]).key), different[i] + " / " + different[j]);
      }
    }
  }

  @Test
  void onlyPlainLiteralsAreCutOut() {
    assertNull(LiteralShapes.Text.of("SELECT * FROM t"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE id = ? AND v = 1"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE id = $1 AND v = 1"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE id = 1.5 AND v = E'x' AND w = 1e3"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE v = N'x' OR v = X'01' OR v = $$x$$"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE v = 'unclosed"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE v = 'unclosed''"));
    assertNull(LiteralShapes.Text.of("SELECT * FROM t WHERE v = 1\0"));
    LiteralShapes.Text text = LiteralShapes.Text.of("SELECT 'a''b', 007, 99999999999999999999");
    assertNotNull(text);
    assertEquals(3, text.size());
    assertEquals("a'b", text.value(0));
    assertEquals(7L, text.value(1));
    assertEquals(new BigDecimal("99999999999999999999"), text.value(2));
  }

  @Test
  void theShapeCacheStaysWithinItsBound() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer(64);
    for (int i = 0; i < 1_000; i++) {
      analyzer.analyze("SELECT * FROM t" + i + " WHERE id = " + i);
      assertTrue(analyzer.cachedShapes() <= 64, "shapes held " + analyzer.cachedShapes());
    }
    StatementAnalyzer none = new StatementAnalyzer(0);
    none.analyze("SELECT * FROM t WHERE id = 1");
    none.analyze("SELECT * FROM t WHERE id = 2");
    assertEquals(0, none.cachedShapes());
    assertEquals(2, none.classified());
  }

  @Test
  void concurrentSessionsShareShapes() throws Exception {
    StatementAnalyzer analyzer = new StatementAnalyzer(100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        int seed = thread;
        futures.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int i = 0; i < 400; i++) {
            String sql = variant(SHAPES[random.nextInt(20)], random);
            assertAnalyzedAsFromScratch(analyzer, sql);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(analyzer.cachedShapes() <= 100 + 4);
    assertTrue(analyzer.classified() < 800, "classified " + analyzer.classified());
  }

  /** {@code analyzer.analyze(sql)} is, in every property, {@code analyzeUncached(sql)}. */
  static void assertAnalyzedAsFromScratch(StatementAnalyzer analyzer, String sql)
      throws SQLException {
    StatementAnalysis expected;
    try {
      expected = analyzer.analyzeUncached(sql);
    } catch (SQLException rejected) {
      try {
        analyzer.analyze(sql);
        fail("not rejected: " + sql);
      } catch (SQLException alsoRejected) {
        assertEquals(rejected.getSQLState(), alsoRejected.getSQLState(), sql);
      }
      return;
    }
    assertSameAnalysis(expected, analyzer.analyze(sql));
  }

  /** Every observable property of the two analyses is equal (the command: both null or not). */
  static void assertSameAnalysis(StatementAnalysis expected, StatementAnalysis actual) {
    String sql = expected.sql();
    assertEquals(sql, actual.sql());
    assertEquals(expected.kind(), actual.kind(), sql);
    assertEquals(expected.parsed(), actual.parsed(), sql);
    assertEquals(List.copyOf(expected.readTables()), List.copyOf(actual.readTables()), sql);
    assertEquals(List.copyOf(expected.writtenTables()), List.copyOf(actual.writtenTables()), sql);
    assertEquals(List.copyOf(expected.tables()), List.copyOf(actual.tables()), sql);
    assertEquals(expected.keyPredicates(), actual.keyPredicates(), sql);
    for (TableName table : expected.tables()) {
      assertEquals(expected.keyPredicates(table), actual.keyPredicates(table), sql);
    }
    assertEquals(expected.forUpdate(), actual.forUpdate(), sql);
    assertEquals(expected.readOnly(), actual.readOnly(), sql);
    assertEquals(expected.isolation(), actual.isolation(), sql);
    assertEquals(expected.parameterCount(), actual.parameterCount(), sql);
    assertEquals(expected.parameterMarkers(), actual.parameterMarkers(), sql);
    assertEquals(expected.mayTouchAnything(), actual.mayTouchAnything(), sql);
    assertEquals(expected.callsPrimaryOnlyFunction(), actual.callsPrimaryOnlyFunction(), sql);
    assertEquals(expected.statementCount(), actual.statementCount(), sql);
    assertEquals(expected.mayChangeSchema(), actual.mayChangeSchema(), sql);
    assertEquals(expected.copiesRows(), actual.copiesRows(), sql);
    assertEquals(expected.command() == null, actual.command() == null, sql);
    if (expected.command() != null) {
      assertEquals(expected.command().toString(), actual.command().toString(), sql);
    }
    assertEquals(expected.isWrite(), actual.isWrite(), sql);
    assertEquals(expected.mustRunOnPrimary(), actual.mustRunOnPrimary(), sql);
    assertEquals(expected.isRoutedRead(), actual.isRoutedRead(), sql);
    assertEquals(expected.toString(), actual.toString(), sql);
  }

  /** {@code shape} with each hole filled by a random value of its kind. */
  static String variant(String shape, Random random) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < shape.length()) {
      int open = shape.indexOf('{', i);
      int close = open < 0 ? -1 : shape.indexOf('}', open);
      if (open < 0 || close != open + 2) {
        int upTo = open < 0 ? shape.length() : open + 1;
        out.append(shape, i, upTo);
        i = upTo;
        continue;
      }
      out.append(shape, i, open).append(value(shape.charAt(open + 1), random));
      i = close + 1;
    }
    return out.toString();
  }

  private static String value(char kind, Random random) {
    switch (kind) {
      case 'x':
        return (random.nextInt(8) == 0 ? "00" : "") + random.nextInt(4);
      case 'i':
        return switch (random.nextInt(4)) {
          case 0 -> String.valueOf(random.nextInt(10));
          case 1 -> String.valueOf(Integer.MAX_VALUE);
          default -> String.valueOf(random.nextInt(Integer.MAX_VALUE));
        };
      case 'l':
        return String.valueOf(random.nextBoolean() ? Long.MAX_VALUE
            : Integer.MAX_VALUE + 1L + (random.nextLong() & 0xffffffffffL));
      case 'b':
        return "9223372036854775808" + random.nextInt(1000);
      case 'd':
        return quote(random.nextInt(4) == 0 ? "not a date"
            : String.format("20%02d-%02d-%02d", random.nextInt(30), 1 + random.nextInt(12),
                1 + random.nextInt(28)));
      case 's': {
        String[] pieces = {"", "a", "ab", "it's", "''", " ", "\u4e2d\u6587", "\u00e9", "1", "%",
            "\\", "--", "/*", "?", "$1", ";", "\uD83D\uDE00"};
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(3);
        for (int p = 0; p < n; p++) {
          s.append(pieces[random.nextInt(pieces.length)]);
        }
        return quote(s.toString());
      }
      default:
        throw new IllegalArgumentException("no hole {" + kind + "}");
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
