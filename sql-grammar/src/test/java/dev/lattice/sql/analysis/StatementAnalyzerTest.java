package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatementAnalyzerTest {
  @Test
  void aRepeatedStatementIsServedFromTheCache() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    StatementAnalysis first = analyzer.analyze("SELECT * FROM t WHERE id = ?");
    StatementAnalysis again = analyzer.analyze(new String("SELECT * FROM t WHERE id = ?"));
    assertSame(first, again);
    assertEquals(1, analyzer.cachedStatements());
    assertNotSame(first, analyzer.analyzeUncached("SELECT * FROM t WHERE id = ?"));
  }

  @Test
  void theCacheStaysWithinItsBound() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer(64);
    for (int i = 0; i < 1_000; i++) {
      // No literal: texts of one literal shape would share one cached analysis.
      analyzer.analyze("SELECT * FROM t" + i + " WHERE id = ?");
      assertTrue(analyzer.cachedStatements() <= 64, "cache holds " + analyzer.cachedStatements());
    }
    assertTrue(analyzer.cachedStatements() > 32, "cache holds " + analyzer.cachedStatements());
    assertEquals(StatementKind.QUERY, analyzer.analyze("SELECT * FROM t3 WHERE id = ?").kind());
  }

  @Test
  void aZeroSizedCacheCachesNothing() throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer(0);
    analyzer.analyze("SELECT 1");
    assertEquals(0, analyzer.cachedStatements());
    assertThrows(IllegalArgumentException.class, () -> new StatementAnalyzer(-1));
  }

  @Test
  void concurrentSessionsShareOneAnalyzer() throws Exception {
    StatementAnalyzer analyzer = new StatementAnalyzer(100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            String sql = "UPDATE t SET v = ? WHERE id = " + (i % 150);
            StatementAnalysis a = analyzer.analyze(sql);
            if (a.kind() != StatementKind.DML || a.keyPredicates().size() != 1) {
              throw new AssertionError(sql + " -> " + a);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(analyzer.cachedStatements() <= 100 + 4);
  }
}
