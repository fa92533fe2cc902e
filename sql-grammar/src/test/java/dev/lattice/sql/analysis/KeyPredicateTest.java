package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPredicateTest {
  private static final TableName T = TableName.of("T");
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  private List<KeyPredicate> keys(String sql) throws SQLException {
    return analyzer.analyze(sql).keyPredicates();
  }

  private static KeyValue lit(Object v) {
    return new KeyValue.Literal(v);
  }

  private static KeyValue param(int n) {
    return new KeyValue.Parameter(n);
  }

  private static KeyPredicate key(TableName t, String column, KeyValue... values) {
    return new KeyPredicate(t, column, List.of(values));
  }

  @Test
  void equalityWithALiteralOrAParameter() throws SQLException {
    assertEquals(List.of(key(T, "ID", lit(5L))), keys("SELECT * FROM t WHERE id = 5"));
    assertEquals(List.of(key(T, "ID", param(1))), keys("SELECT * FROM t WHERE ? = id"));
    assertEquals(List.of(key(T, "ID", lit(-7L))), keys("DELETE FROM t WHERE id = -7"));
    assertEquals(List.of(key(T, "CODE", lit("ab"))), keys("SELECT * FROM t WHERE code = 'ab'"));
  }

  @Test
  void literalsKeepTheirJavaValue() throws SQLException {
    assertEquals(List.of(key(T, "PRICE", lit(new BigDecimal("1.50")))),
        keys("SELECT * FROM t WHERE price = 1.50"));
    assertEquals(List.of(key(T, "D", lit(LocalDate.of(2024, 2, 29)))),
        keys("SELECT * FROM t WHERE d = DATE '2024-02-29'"));
    assertEquals(List.of(key(T, "TS", lit(LocalDateTime.of(2024, 1, 2, 3, 4, 5)))),
        keys("SELECT * FROM t WHERE ts = TIMESTAMP '2024-01-02 03:04:05'"));
    assertEquals(List.of(key(T, "X", lit(2.5e3))), keys("SELECT * FROM t WHERE x = 2.5e3"));
    assertEquals(List.of(key(T, "OK", lit(true))), keys("SELECT * FROM t WHERE ok = TRUE"));
    assertEquals(List.of(key(T, "BIG", lit(new BigDecimal("123456789012345678901234")))),
        keys("SELECT * FROM t WHERE big = 123456789012345678901234"));
  }

  @Test
  void andedConjunctsEachCount() throws SQLException {
    assertEquals(List.of(key(T, "A", lit(1L)), key(T, "B", param(1))),
        keys("SELECT * FROM t WHERE a = 1 AND b = ? AND c > 3"));
  }

  @Test
  void inListsGiveEveryValue() throws SQLException {
    assertEquals(List.of(key(T, "ID", param(1), param(2), param(3))),
        keys("DELETE FROM t WHERE id IN (?, ?, ?)"));
    assertEquals(List.of(key(T, "ID", lit(1L), lit(2L))),
        keys("SELECT * FROM t WHERE id IN (1, 2)"));
  }

  @Test
  void rowEqualityAndRowInListRestrictEachColumn() throws SQLException {
    assertEquals(List.of(key(T, "A", lit(1L), lit(3L)), key(T, "B", lit(2L), lit(4L))),
        keys("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))"));
    assertEquals(List.of(key(T, "A", param(1)), key(T, "B", param(2))),
        keys("SELECT * FROM t WHERE (a, b) = (?, ?)"));
  }

  @Test
  void orAndNotDisqualify() throws SQLException {
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id = 1 OR id = 2"));
    assertEquals(List.of(), keys("SELECT * FROM t WHERE NOT (id = 1)"));
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id NOT IN (1, 2)"));
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id <> 1"));
    assertEquals(List.of(key(T, "A", lit(1L))),
        keys("SELECT * FROM t WHERE a = 1 AND (b = 2 OR c = 3)"));
  }

  @Test
  void nullAndExpressionsAreNoKeys() throws SQLException {
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id = NULL"));
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id = other_id"));
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id = ? + 1"));
    assertEquals(List.of(), keys("SELECT * FROM t WHERE id IN (SELECT x FROM u)").stream()
        .filter(k -> k.table().equals(T)).toList());
  }

  @Test
  void aliasesAttributeColumnsToTheirTable() throws SQLException {
    assertEquals(
        List.of(key(TableName.of("BOOK"), "ID", param(1))),
        keys("select b1_0.id, a1_0.name from Book b1_0 left join Author a1_0 "
            + "on a1_0.id = b1_0.author_id where b1_0.id = ?"));
    assertEquals(
        List.of(key(TableName.of("AUTHOR"), "NAME", lit("x")),
            key(TableName.of("BOOK"), "ID", lit(3L))),
        keys("SELECT * FROM book b, author AS a WHERE a.name = 'x' AND b.id = 3"));
  }

  @Test
  void tableNameQualifiesWithoutAlias() throws SQLException {
    assertEquals(List.of(key(TableName.of("S", "T"), "ID", lit(1L))),
        keys("SELECT * FROM s.t WHERE s.t.id = 1"));
    assertEquals(List.of(key(T, "ID", lit(1L))), keys("SELECT * FROM t WHERE t.id = 1"));
  }

  @Test
  void unqualifiedColumnOfAJoinIsNotAttributed() throws SQLException {
    assertEquals(List.of(), keys("SELECT * FROM t JOIN u ON t.x = u.x WHERE id = 1"));
  }

  @Test
  void subqueryPredicatesRestrictTheirOwnTable() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "SELECT * FROM t WHERE t.id = 1 AND t.x IN (SELECT u.x FROM u WHERE u.k = 2)");
    assertEquals(List.of(key(TableName.of("U"), "K", lit(2L)), key(T, "ID", lit(1L))),
        a.keyPredicates());
  }

  @Test
  void unqualifiedColumnInACorrelatedSubqueryIsNotAttributed() throws SQLException {
    // k might be the outer t.k: without a schema the analysis cannot tell.
    assertEquals(List.of(),
        keys("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE k = 2)").stream()
            .filter(k -> k.table().name().equals("U")).toList());
  }

  @Test
  void aTableReadTwiceHasNoKeyPredicate() throws SQLException {
    assertEquals(List.of(), keys("SELECT * FROM t a JOIN t b ON a.id = b.parent WHERE a.id = 1"));
    assertEquals(List.of(),
        keys("UPDATE t SET x = 1 WHERE id = 1 AND y IN (SELECT y FROM t WHERE id = 2)"));
  }

  @Test
  void cteNameIsNotATable() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "WITH x AS (SELECT * FROM t WHERE id = 3) SELECT * FROM x WHERE x.id = 4");
    assertEquals(List.of(key(T, "ID", lit(3L))), a.keyPredicates());
    assertEquals(java.util.Set.of(T), a.readTables());
  }

  @Test
  void insertValuesGiveOneValuePerRow() throws SQLException {
    assertEquals(List.of(key(T, "ID", param(1)), key(T, "NAME", param(2))),
        keys("INSERT INTO t (id, name) VALUES (?, ?)"));
    assertEquals(
        List.of(key(T, "ID", lit(1L), lit(2L), lit(3L)),
            key(T, "NAME", lit("a"), lit("b"), lit(null))),
        keys("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, NULL)"));
  }

  @Test
  void insertColumnWithAnExpressionOrDefaultHasNoKey() throws SQLException {
    assertEquals(List.of(key(T, "NAME", param(1))),
        keys("INSERT INTO t (name, id) VALUES (?, DEFAULT)"));
    assertEquals(List.of(key(T, "NAME", lit("a"), lit("b"))),
        keys("INSERT INTO t (id, name) VALUES (NEXT VALUE FOR s, 'a'), (7, 'b')"));
    assertEquals(List.of(), keys("INSERT INTO t VALUES (1, 'a')"));
    assertEquals(List.of(key(TableName.of("U"), "K", lit(1L))),
        keys("INSERT INTO t (id) SELECT id FROM u WHERE k = 1"));
  }

  @Test
  void updateOfAKeyColumnAddsTheNewValue() throws SQLException {
    assertEquals(List.of(key(T, "ID", lit(5L), lit(7L))),
        keys("UPDATE t SET id = 7 WHERE id = 5"));
    assertEquals(List.of(), keys("UPDATE t SET id = id + 1 WHERE id = 5"));
    assertEquals(List.of(key(T, "ID", param(2))), keys("UPDATE t SET x = ? WHERE id = ?"));
  }

  @Test
  void updateAndDeleteAliasesResolve() throws SQLException {
    assertEquals(List.of(key(T, "ID", param(2))), keys("UPDATE t AS a SET x = ? WHERE a.id = ?"));
    assertEquals(List.of(key(T, "ID", lit(3L))), keys("DELETE FROM t a WHERE a.id = 3"));
  }

  @Test
  void forUpdateKeepsItsKeys() throws SQLException {
    StatementAnalysis a = analyzer.analyze("SELECT * FROM t WHERE id = ? FOR UPDATE");
    assertTrue(a.forUpdate());
    assertEquals(List.of(key(T, "ID", param(1))), a.keyPredicates());
  }

  @Test
  void keyPredicatesOfOneTable() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "SELECT * FROM t JOIN u ON t.x = u.x WHERE t.id = 1 AND u.id = 2");
    assertEquals(List.of(key(TableName.of("U"), "ID", lit(2L))),
        a.keyPredicates(TableName.of("U")));
  }
}
