package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Statements nesting deeper than any recursive parser's stack allows are refused with 54001 by a
 * token scan, on a thread with the JVM's default stack, before Calcite or H2 could overflow.
 */
class ExpressionDepthTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer(0);

  @Test
  void deepNestingIsRefusedWithStackDepthExceeded() {
    int n = 400;
    List<String> deep = List.of(
        "SELECT " + "(".repeat(n) + "1" + ")".repeat(n),
        "SELECT " + "NOT ".repeat(n) + "true",
        "SELECT " + "- ".repeat(n) + "1",
        "SELECT " + "CASE WHEN true THEN ".repeat(n) + "1" + " END".repeat(n),
        "SELECT " + "ABS(".repeat(n) + "1" + ")".repeat(n),
        "SELECT " + "(SELECT ".repeat(n) + "1" + ")".repeat(n),
        "SELECT 1" + "+1".repeat(100_000),
        "SELECT 'a'" + " || 'a'".repeat(5_000),
        "SELECT 1" + " UNION SELECT 1".repeat(5_000),
        "SELECT 1 WHERE " + "1 = 1 OR ".repeat(20_000) + "true",
        "SELECT 1; SELECT " + "(".repeat(n) + "1" + ")".repeat(n));
    for (String sql : deep) {
      SQLException e = assertThrows(SQLException.class, () -> analyzer.analyze(sql), sql.substring(0, 30));
      assertEquals("54001", e.getSQLState());
    }
  }

  @Test
  void ordinaryAndWideStatementsPass() throws SQLException {
    assertEquals(StatementKind.QUERY, analyzer.analyze(
        "SELECT " + "(".repeat(100) + "1" + ")".repeat(100) + " + 1".repeat(500)).kind());
    assertEquals(StatementKind.QUERY, analyzer.analyze(
        "SELECT * FROM t WHERE id IN (" + "1, ".repeat(5_000) + "1)").kind());
    assertEquals(StatementKind.OTHER, analyzer.analyze(
        "SELECT * FROM t WHERE id IN (" + "1, ".repeat(50_000) + "1)").kind(), "a huge list is kept from Calcite");
    StringBuilder rows = new StringBuilder("INSERT INTO t VALUES (0, -1)");
    for (int i = 1; i < 20_000; i++) {
      rows.append(", (").append(i).append(", -").append(i).append(")");
    }
    assertEquals(StatementKind.DML, analyzer.analyze(rows.toString()).kind());
    assertEquals(StatementKind.QUERY, analyzer.analyze(
        "SELECT CASE WHEN a THEN 1 ELSE -2 END, (SELECT max(x) FROM u) FROM t WHERE NOT (a AND NOT b)").kind());
  }

  @Test
  void longAndOrChainsAreAnalyzedByTheirTokensNotRefused() throws SQLException {
    StatementAnalysis a = analyzer.analyze("SELECT * FROM t WHERE " + "id = 1 OR ".repeat(5_000) + "id = 2");
    assertEquals(StatementKind.OTHER, a.kind(), "kept from Calcite, routed conservatively");
    assertTrue(a.readTables().stream().anyMatch(t -> t.toString().toLowerCase().contains("t")));
  }
}
