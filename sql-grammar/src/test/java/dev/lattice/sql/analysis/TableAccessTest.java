package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableAccessTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  private static Set<TableName> names(String... names) {
    java.util.LinkedHashSet<TableName> set = new java.util.LinkedHashSet<>();
    for (String n : names) {
      set.add(TableName.parse(n));
    }
    return set;
  }

  @Test
  void namesAreCasedAsH2ResolvesThem() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "SELECT * FROM accounts a JOIN \"Orders\" o ON o.acc = a.id JOIN public.items i ON 1=1");
    assertEquals(List.of(TableName.of("ACCOUNTS"), TableName.of("Orders"),
        TableName.of("PUBLIC", "ITEMS")), List.copyOf(a.readTables()));
  }

  @Test
  void subqueryTablesAreReads() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "UPDATE t SET x = (SELECT max(y) FROM u) WHERE id IN (SELECT id FROM v WHERE EXISTS "
            + "(SELECT 1 FROM w))");
    assertEquals(names("T"), a.writtenTables());
    assertEquals(names("U", "V", "W"), a.readTables());
  }

  @Test
  void derivedTablesLateralAndSetOperationsAreRead() throws SQLException {
    assertEquals(names("A", "B", "C"), analyzer.analyze(
        "SELECT * FROM (SELECT * FROM a) x JOIN LATERAL (SELECT * FROM b WHERE b.k = x.k) y "
            + "ON TRUE UNION ALL SELECT * FROM c, c").readTables());
  }

  @Test
  void cteNamesAreNotTablesButTheirQueriesAre() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "WITH RECURSIVE r (n) AS (SELECT 1 FROM seed UNION ALL SELECT n + 1 FROM r WHERE n < 5) "
            + "SELECT * FROM r JOIN t ON t.id = r.n");
    assertEquals(names("SEED", "T"), a.readTables());
  }

  @Test
  void insertSelectWritesTargetAndReadsSource() throws SQLException {
    StatementAnalysis a = analyzer.analyze("INSERT INTO archive (id) SELECT id FROM orders");
    assertEquals(names("ARCHIVE"), a.writtenTables());
    assertEquals(names("ORDERS"), a.readTables());
  }

  @Test
  void mergeWritesTargetAndReadsSource() throws SQLException {
    StatementAnalysis a = analyzer.analyze(
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = s.x "
            + "WHEN NOT MATCHED THEN INSERT (id, x) VALUES (s.id, s.x)");
    assertEquals(StatementKind.DML, a.kind());
    assertEquals(names("T"), a.writtenTables());
    assertEquals(names("S"), a.readTables());
    assertEquals(List.of(), a.keyPredicates());
  }

  @Test
  void ddlNamesItsObjectsAndReferencedTables() throws SQLException {
    StatementAnalysis fk = analyzer.analyze(
        "alter table if exists Book add constraint FK1 foreign key (author_id) references Author");
    assertEquals(names("BOOK"), fk.writtenTables());
    assertEquals(names("AUTHOR"), fk.readTables());

    StatementAnalysis ctas = analyzer.analyze("CREATE TABLE copy AS SELECT * FROM orig");
    assertEquals(names("COPY"), ctas.writtenTables());
    assertEquals(names("ORIG"), ctas.readTables());

    assertEquals(names("T"), analyzer.analyze("CREATE UNIQUE INDEX i ON t (a, b)").writtenTables());
    assertEquals(names("A", "B"),
        analyzer.analyze("DROP TABLE IF EXISTS a, b").writtenTables());
    assertEquals(names("T"), analyzer.analyze(
        "CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW CALL \"x.Y\"").writtenTables());
  }

  @Test
  void sequenceDdlTouchesNoTable() throws SQLException {
    StatementAnalysis a = analyzer.analyze("CREATE SEQUENCE s START WITH 1 INCREMENT BY 50");
    assertEquals(StatementKind.DDL, a.kind());
    assertTrue(a.tables().isEmpty());
  }

  @Test
  void namedDdlDoesNotTouchAnythingElse() throws SQLException {
    assertFalse(analyzer.analyze("CREATE TABLE t (id INT)").mayTouchAnything());
    assertTrue(analyzer.analyze("DROP SCHEMA s CASCADE").mayTouchAnything());
    assertTrue(analyzer.analyze("DROP TABLE t CASCADE").mayTouchAnything());
  }

  @Test
  void tablesUnitesReadsAndWrites() throws SQLException {
    StatementAnalysis a = analyzer.analyze("INSERT INTO a (x) SELECT x FROM b");
    assertEquals(names("A", "B"), a.tables());
  }
}
