package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Statements Calcite cannot parse: never rejected, routed to the primary, tables by token scan. */
class UnparsedStatementTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  private static Set<TableName> names(String... names) {
    Set<TableName> set = new LinkedHashSet<>();
    for (String n : names) {
      set.add(TableName.parse(n));
    }
    return set;
  }

  private StatementAnalysis other(String sql) throws SQLException {
    StatementAnalysis a = analyzer.analyze(sql);
    assertEquals(StatementKind.OTHER, a.kind(), sql);
    assertFalse(a.parsed(), sql);
    assertTrue(a.mayTouchAnything(), sql);
    assertTrue(a.mustRunOnPrimary(), sql);
    return a;
  }

  @Test
  void h2MergeWithKeyWritesItsTable() throws SQLException {
    StatementAnalysis a = other("MERGE INTO accounts (id, owner) KEY (id) VALUES (1, 'alice')");
    assertEquals(names("ACCOUNTS"), a.writtenTables());
  }

  @Test
  void everyTableFoundCountsAsWritten() throws SQLException {
    StatementAnalysis a = other("SELECT TOP 3 * FROM a JOIN \"b\" ON a.x = \"b\".x");
    assertEquals(names("A", "\"b\""), a.writtenTables());
    assertEquals(names("A", "\"b\""), a.readTables());
  }

  @Test
  void scanFindsSchemaQualifiedNamesAfterEachKeyword() throws SQLException {
    StatementAnalysis a = other(
        "MERGE INTO s.target t USING (SELECT * FROM src1, src2 x WHERE x.k = $$a FROM b$$) AS q "
            + "ON t.id = q.id WHEN MATCHED THEN UPDATE SET v = q.v");
    assertEquals(names("S.TARGET", "SRC1", "SRC2"), a.tables());
  }

  @Test
  void scanIgnoresCommentsStringsAndFunctionsUsingFrom() throws SQLException {
    StatementAnalysis a = other(
        "SELECT EXTRACT(YEAR FROM d), 'FROM nothing', x::int /* JOIN ghost */ FROM real_table");
    assertEquals(names("REAL_TABLE"), a.tables());
  }

  @Test
  void scanSkipsCteNamesAndTableFunctions() throws SQLException {
    StatementAnalysis a = other(
        "WITH w AS (SELECT * FROM base) SELECT x::text FROM w, generate_series(1, 3) g");
    assertEquals(names("BASE"), a.tables());
  }

  @Test
  void copyAndVacuumNameTheirTable() throws SQLException {
    assertEquals(names("PGBENCH_ACCOUNTS"),
        other("copy pgbench_accounts from stdin with (freeze on)").tables());
    assertEquals(names("PGBENCH_BRANCHES"),
        other("vacuum analyze pgbench_branches").tables());
  }

  @Test
  void statementWithoutTablesStillMayTouchAnything() throws SQLException {
    assertTrue(other("CHECKPOINT").tables().isEmpty());
  }

  @Test
  void unparsableDdlIsStillDdl() throws SQLException {
    StatementAnalysis a = analyzer.analyze("GRANT SELECT, UPDATE ON accounts TO reporter");
    assertEquals(StatementKind.DDL, a.kind());
    assertFalse(a.parsed());
    assertTrue(a.mayTouchAnything());
    assertEquals(names("ACCOUNTS"), a.writtenTables());
  }

  @Test
  void unparsableSetIsStillASessionSetting() throws SQLException {
    StatementAnalysis a = analyzer.analyze("SET TIME ZONE 'UTC'");
    assertEquals(StatementKind.SESSION_SETTING, a.kind());
    assertFalse(a.mayTouchAnything());
  }
}
