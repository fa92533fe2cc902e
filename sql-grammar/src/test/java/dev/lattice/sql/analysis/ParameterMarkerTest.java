package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterMarkerTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  private static List<Integer> numbers(StatementAnalysis a) {
    return a.parameterMarkers().stream().map(ParameterMarker::number).toList();
  }

  @Test
  void jdbcMarkersAreNumberedInTextOrder() throws SQLException {
    StatementAnalysis a = analyzer.analyze("UPDATE t SET a = ?, b = ? WHERE id = ?");
    assertEquals(3, a.parameterCount());
    assertEquals(List.of(1, 2, 3), numbers(a));
    assertTrue(a.parameterMarkers().get(0).isJdbcStyle());
    assertEquals(17, a.parameterMarkers().get(0).offset());
  }

  @Test
  void dollarMarkersMayRepeatAndComeOutOfOrder() throws SQLException {
    String sql = "SELECT * FROM t WHERE b = $2 AND a = $1 AND c = $2";
    StatementAnalysis a = analyzer.analyze(sql);
    assertTrue(a.parsed());
    assertEquals(2, a.parameterCount());
    assertEquals(List.of(2, 1, 2), numbers(a));
    ParameterMarker first = a.parameterMarkers().get(0);
    assertEquals("$2", sql.substring(first.offset(), first.offset() + first.length()));
    assertEquals(
        List.of(new KeyPredicate(TableName.of("T"), "B", List.of(new KeyValue.Parameter(2))),
            new KeyPredicate(TableName.of("T"), "A", List.of(new KeyValue.Parameter(1))),
            new KeyPredicate(TableName.of("T"), "C", List.of(new KeyValue.Parameter(2)))),
        a.keyPredicates());
  }

  @Test
  void dollarMarkersInAnInsert() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
            + "VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)");
    assertEquals(4, a.parameterCount());
    assertEquals(new KeyPredicate(TableName.of("PGBENCH_HISTORY"), "AID",
        List.of(new KeyValue.Parameter(3))), a.keyPredicates().get(2));
  }

  @Test
  void highestDollarNumberIsTheCount() throws SQLException {
    assertEquals(3, analyzer.analyze("SELECT * FROM t WHERE a = $3").parameterCount());
  }

  @Test
  void markersInStringsCommentsAndQuotedNamesDoNotCount() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "SELECT '?', \"?col\", 'it''s $1' FROM t -- ? $2\n WHERE x = ? /* ? /* nested ? */ ? */");
    assertEquals(1, a.parameterCount());
    assertEquals(List.of(1), numbers(a));
  }

  @Test
  void dollarQuotedStringsHideMarkers() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "CREATE ALIAS f AS $$ String f(String s) { return s + \"?\" + '$'; } $$");
    assertEquals(0, a.parameterCount());
    StatementAnalysis tagged = analyzer.analyze("SELECT $tag$ ? $1 $tag$, $1 FROM t");
    assertEquals(List.of(1), numbers(tagged));
  }

  @Test
  void markersOfUnparsedStatementsStillCount() throws SQLException {
    StatementAnalysis a = analyzer.analyze("MERGE INTO t (id, v) KEY (id) VALUES (?, ?)");
    assertEquals(StatementKind.OTHER, a.kind());
    assertEquals(2, a.parameterCount());
  }

  @Test
  void indexedJdbcMarkers() throws SQLException {
    StatementAnalysis a = analyzer.analyze("SELECT * FROM t WHERE a = ?2 AND b = ?1");
    assertEquals(List.of(2, 1), numbers(a));
    assertEquals(2, a.parameterCount());
  }

  @Test
  void pagingMarkersCount() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "select b1_0.id from Book b1_0 order by b1_0.id offset ? rows fetch first ? rows only");
    assertTrue(a.parsed());
    assertEquals(2, a.parameterCount());
  }

  @Test
  void noMarkers() throws SQLException {
    StatementAnalysis a = analyzer.analyze("SELECT 1");
    assertEquals(0, a.parameterCount());
    assertEquals(List.of(), a.parameterMarkers());
  }
}
