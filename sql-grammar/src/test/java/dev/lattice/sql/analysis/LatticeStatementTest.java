package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.parser.LatticeSyntaxException;
import dev.lattice.sql.statement.SqlAlterReplica;
import dev.lattice.sql.statement.SqlSetConsistency;
import dev.lattice.sql.statement.SqlShowConsistency;
import dev.lattice.sql.statement.SqlShowReplicas;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class LatticeStatementTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  @Test
  void setConsistencyIsALatticeSessionCommand() throws SQLException {
    for (String sql : new String[] {
        "SET CONSISTENCY CAUSAL",
        "set consistency read your writes",
        "SET CONSISTENCY BOUNDED_STALENESS 500 MS",
        "SET CONSISTENCY TIMEOUT 250",
        "SET CONSISTENCY FALLBACK ERROR",
        "SET CONSISTENCY TOKEN 'lattice:x:1'",
        "SET consistency = 'causal'",
        "SET consistency TO causal",
        "SHOW CONSISTENCY"}) {
      StatementAnalysis a = analyzer.analyze(sql);
      assertEquals(StatementKind.LATTICE_SESSION, a.kind(), sql);
      assertNotNull(a.command(), sql);
      assertFalse(a.isWrite(), sql);
      assertFalse(a.mustRunOnPrimary(), sql);
      assertTrue(a.tables().isEmpty(), sql);
    }
    assertInstanceOf(SqlSetConsistency.class, analyzer.analyze("SET CONSISTENCY STRONG").command());
    assertInstanceOf(SqlShowConsistency.class, analyzer.analyze("SHOW CONSISTENCY").command());
  }

  @Test
  void adminStatementsAreLatticeAdminCommands() throws SQLException {
    for (String sql : new String[] {
        "SHOW REPLICAS", "SHOW STATS", "SHOW LOCKS",
        "ALTER REPLICA r1 SET DELAY 100", "ALTER REPLICA r1 PAUSE", "ALTER REPLICA r1 RESUME"}) {
      StatementAnalysis a = analyzer.analyze(sql);
      assertEquals(StatementKind.LATTICE_ADMIN, a.kind(), sql);
      assertNotNull(a.command(), sql);
    }
    assertInstanceOf(SqlShowReplicas.class, analyzer.analyze("show replicas;").command());
    SqlAlterReplica alter =
        (SqlAlterReplica) analyzer.analyze("ALTER REPLICA r1 SET DELAY 100").command();
    assertEquals(100, alter.getDelayMs());
  }

  @Test
  void malformedLatticeStatementIsASyntaxError() {
    for (String sql : new String[] {
        "SET CONSISTENCY SOMETIMES",
        "SET CONSISTENCY TIMEOUT soon",
        "SET CONSISTENCY FALLBACK MAYBE",
        "SHOW REPLICAS NOW",
        "ALTER REPLICA r1 SET DELAY",
        "ALTER REPLICA r1 EXPLODE"}) {
      SQLException e = assertThrows(SQLException.class, () -> analyzer.analyze(sql), sql);
      assertInstanceOf(LatticeSyntaxException.class, e, sql);
      assertEquals("42601", e.getSQLState(), sql);
      assertNotNull(e.getMessage(), sql);
    }
  }

  @Test
  void syntaxErrorNamesWhatWasWrong() {
    SQLException e = assertThrows(SQLException.class,
        () -> analyzer.analyze("SET CONSISTENCY SOMETIMES"));
    assertTrue(e.getMessage().contains("SOMETIMES"), e.getMessage());
  }

  @Test
  void aMalformedLatticeStatementIsNotCached() {
    assertThrows(SQLException.class, () -> analyzer.analyze("SHOW STATS PLEASE"));
    assertEquals(0, analyzer.cachedStatements());
  }

  @Test
  void aColumnNamedConsistencyIsStillSql() throws SQLException {
    StatementAnalysis a = analyzer.analyze("SELECT consistency FROM settings WHERE id = 1");
    assertEquals(StatementKind.QUERY, a.kind());
  }
}
