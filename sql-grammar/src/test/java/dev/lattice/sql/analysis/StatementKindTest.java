package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class StatementKindTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  private StatementAnalysis analyze(String sql) throws SQLException {
    return analyzer.analyze(sql);
  }

  @Test
  void selectIsARoutedRead() throws SQLException {
    StatementAnalysis a = analyze("SELECT name FROM accounts WHERE id = 1");
    assertEquals(StatementKind.QUERY, a.kind());
    assertTrue(a.parsed());
    assertTrue(a.isRoutedRead());
    assertFalse(a.isWrite());
    assertFalse(a.mustRunOnPrimary());
    assertFalse(a.mayTouchAnything());
    assertNull(a.command());
  }

  @Test
  void valuesWithAndTableAreQueries() throws SQLException {
    assertEquals(StatementKind.QUERY, analyze("VALUES (1, 2)").kind());
    assertEquals(StatementKind.QUERY,
        analyze("WITH r AS (SELECT * FROM t) SELECT * FROM r").kind());
    assertEquals(StatementKind.QUERY, analyze("SELECT a FROM t UNION SELECT b FROM u").kind());
  }

  @Test
  void insertUpdateDeleteMergeAreDmlOnThePrimary() throws SQLException {
    for (String sql : new String[] {
        "INSERT INTO t (id) VALUES (1)",
        "UPDATE t SET x = 1 WHERE id = 2",
        "DELETE FROM t WHERE id = 3",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = s.x"}) {
      StatementAnalysis a = analyze(sql);
      assertEquals(StatementKind.DML, a.kind(), sql);
      assertTrue(a.isWrite(), sql);
      assertTrue(a.mustRunOnPrimary(), sql);
      assertFalse(a.isRoutedRead(), sql);
    }
  }

  @Test
  void ddlIsAWriteReplicatedAsText() throws SQLException {
    for (String sql : new String[] {
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
        "ALTER TABLE t ADD COLUMN w INT",
        "DROP TABLE IF EXISTS t",
        "CREATE INDEX i ON t (v)",
        "TRUNCATE TABLE t",
        "GRANT SELECT ON t TO someone"}) {
      StatementAnalysis a = analyze(sql);
      assertEquals(StatementKind.DDL, a.kind(), sql);
      assertTrue(a.isWrite(), sql);
      assertTrue(a.mustRunOnPrimary(), sql);
      assertEquals(java.util.Set.of(TableName.of("T")), a.writtenTables(), sql);
    }
  }

  @Test
  void addingAColumnWhoseDefaultIsNotALiteralCopiesRows() throws SQLException {
    for (String sql : new String[] {
        "ALTER TABLE t ADD COLUMN c TIMESTAMP DEFAULT NOW()",
        "ALTER TABLE t ADD COLUMN c TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL",
        "ALTER TABLE t ADD c UUID DEFAULT RANDOM_UUID()",
        "ALTER TABLE t ADD COLUMN c BIGINT DEFAULT NEXT VALUE FOR s",
        "ALTER TABLE t ADD (a INT DEFAULT 1, b DOUBLE DEFAULT RAND())",
        "ALTER TABLE t ADD COLUMN c INT DEFAULT 1 + 1"}) {
      assertTrue(analyze(sql).copiesRows(), sql);
    }
    for (String sql : new String[] {
        "ALTER TABLE t ADD COLUMN c INT",
        "ALTER TABLE t ADD COLUMN c INT DEFAULT -7 NOT NULL",
        "ALTER TABLE t ADD COLUMN c VARCHAR(10) DEFAULT 'x'",
        "ALTER TABLE t ADD COLUMN c DATE DEFAULT DATE '2020-01-01'",
        "ALTER TABLE t ADD (a INT DEFAULT 1, b INT DEFAULT NULL)",
        "alter table t add column c int default 5 after v",
        "ALTER TABLE t ALTER COLUMN c SET DEFAULT NOW()"}) {
      assertFalse(analyze(sql).copiesRows(), sql);
    }
  }

  @Test
  void sessionSettingsAreReplayedNotWritten() throws SQLException {
    for (String sql : new String[] {
        "SET extra_float_digits = 3",
        "SET application_name = 'PostgreSQL JDBC Driver'",
        "SET search_path TO public",
        "SET MODE PostgreSQL",
        "SET LOCK_TIMEOUT 1000",
        "RESET ALL"}) {
      StatementAnalysis a = analyze(sql);
      assertEquals(StatementKind.SESSION_SETTING, a.kind(), sql);
      assertFalse(a.isWrite(), sql);
      assertFalse(a.mustRunOnPrimary(), sql);
      assertFalse(a.isRoutedRead(), sql);
    }
  }

  @Test
  void unparsableStatementIsOtherOnThePrimaryAndMayTouchAnything() throws SQLException {
    StatementAnalysis a = analyze("SHOW TABLES");
    assertEquals(StatementKind.OTHER, a.kind());
    assertFalse(a.parsed());
    assertTrue(a.mayTouchAnything());
    assertTrue(a.mustRunOnPrimary());
    assertTrue(a.isWrite());
  }

  @Test
  void callIsOther() throws SQLException {
    StatementAnalysis a = analyze("CALL my_procedure(1)");
    assertEquals(StatementKind.OTHER, a.kind());
    assertTrue(a.mayTouchAnything());
  }

  @Test
  void selectCallingNextValueRunsOnThePrimary() throws SQLException {
    for (String sql : new String[] {
        "SELECT NEXT VALUE FOR order_seq",
        "SELECT nextval('order_seq')",
        "SELECT order_seq.NEXTVAL",
        "SELECT CURRENT VALUE FOR order_seq",
        "SELECT id FROM t WHERE id = (SELECT currval('s'))"}) {
      StatementAnalysis a = analyze(sql);
      assertEquals(StatementKind.QUERY, a.kind(), sql);
      assertTrue(a.callsPrimaryOnlyFunction(), sql);
      assertTrue(a.mustRunOnPrimary(), sql);
      assertTrue(a.isWrite(), sql);
      assertFalse(a.isRoutedRead(), sql);
    }
    assertFalse(analyze("SELECT RAND(), NOW() FROM t").callsPrimaryOnlyFunction());
  }

  @Test
  void forUpdateRunsOnThePrimaryButIsNoWrite() throws SQLException {
    StatementAnalysis a = analyze("SELECT * FROM t WHERE id = ? FOR UPDATE");
    assertEquals(StatementKind.QUERY, a.kind());
    assertTrue(a.forUpdate());
    assertTrue(a.mustRunOnPrimary());
    assertFalse(a.isWrite());
    assertFalse(a.isRoutedRead());
    assertFalse(analyze("SELECT * FROM t WHERE id = ?").forUpdate());
  }

  @Test
  void forUpdateVariants() throws SQLException {
    for (String sql : new String[] {
        "SELECT * FROM t WHERE id = 1 FOR UPDATE NOWAIT",
        "SELECT * FROM t WHERE id = 1 FOR UPDATE SKIP LOCKED",
        "SELECT * FROM t a WHERE a.id = 1 FOR UPDATE OF a.v",
        "select a1_0.id from Author a1_0 where a1_0.id=? order by a1_0.id fetch first 1 rows only"
            + " for update"}) {
      StatementAnalysis a = analyze(sql);
      assertEquals(StatementKind.QUERY, a.kind(), sql);
      assertTrue(a.parsed(), sql);
      assertTrue(a.forUpdate(), sql);
      assertEquals(1, a.keyPredicates().size(), sql);
    }
  }

  @Test
  void forUpdateInsideAStringOrSubqueryIsNotALockingRead() throws SQLException {
    assertFalse(analyze("SELECT 'for update' FROM t").forUpdate());
    assertFalse(analyze("SELECT x FROM t -- for update\n").forUpdate());
  }

  @Test
  void severalStatementsInOneStringAreOtherWithAllTheirTables() throws SQLException {
    StatementAnalysis a = analyze("UPDATE a SET x = 1; SELECT * FROM b; DELETE FROM c");
    assertEquals(StatementKind.OTHER, a.kind());
    assertEquals(3, a.statementCount());
    assertTrue(a.mayTouchAnything());
    assertEquals(java.util.Set.of(TableName.of("A"), TableName.of("B"), TableName.of("C")),
        a.writtenTables());
  }

  @Test
  void aTrailingSemicolonIsOneStatement() throws SQLException {
    StatementAnalysis a = analyze("SELECT abalance FROM pgbench_accounts WHERE aid = 1;  ");
    assertEquals(StatementKind.QUERY, a.kind());
    assertEquals(1, a.statementCount());
    assertTrue(a.parsed());
  }

  @Test
  void semicolonsInStringsAndCommentsDoNotSplit() throws SQLException {
    StatementAnalysis a = analyze("SELECT 'a;b' /* ; */ FROM t -- ; DROP TABLE t");
    assertEquals(StatementKind.QUERY, a.kind());
    assertEquals(1, a.statementCount());
  }

  @Test
  void emptyTextIsNoStatement() throws SQLException {
    StatementAnalysis a = analyze("  -- nothing\n");
    assertEquals(0, a.statementCount());
    assertEquals(StatementKind.OTHER, a.kind());
    assertTrue(a.tables().isEmpty());
  }
}
