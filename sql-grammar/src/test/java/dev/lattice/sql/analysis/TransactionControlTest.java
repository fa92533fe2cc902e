package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lattice.sql.statement.IsolationLevel;
import dev.lattice.sql.statement.SqlBeginTransaction;
import dev.lattice.sql.statement.SqlCommit;
import dev.lattice.sql.statement.SqlReleaseSavepoint;
import dev.lattice.sql.statement.SqlRollback;
import dev.lattice.sql.statement.SqlSavepoint;
import dev.lattice.sql.statement.SqlSetTransaction;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransactionControlTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer();

  private StatementAnalysis control(String sql) throws SQLException {
    StatementAnalysis a = analyzer.analyze(sql);
    assertEquals(StatementKind.TRANSACTION_CONTROL, a.kind(), sql);
    assertFalse(a.isWrite(), sql);
    assertFalse(a.mustRunOnPrimary(), sql);
    return a;
  }

  @Test
  void beginWithoutModesRequestsNothing() throws SQLException {
    StatementAnalysis a = control("BEGIN");
    assertInstanceOf(SqlBeginTransaction.class, a.command());
    assertEquals(Optional.empty(), a.readOnly());
    assertEquals(Optional.empty(), a.isolation());
  }

  @Test
  void readOnlyRequests() throws SQLException {
    assertEquals(Optional.of(true), control("BEGIN READ ONLY").readOnly());
    assertEquals(Optional.of(true), control("START TRANSACTION READ ONLY").readOnly());
    assertEquals(Optional.of(false), control("START TRANSACTION READ WRITE").readOnly());
  }

  @Test
  void isolationRequests() throws SQLException {
    assertEquals(Optional.of(IsolationLevel.SERIALIZABLE),
        control("BEGIN ISOLATION LEVEL SERIALIZABLE").isolation());
    StatementAnalysis set = control("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
    assertInstanceOf(SqlSetTransaction.class, set.command());
    assertEquals(Optional.of(IsolationLevel.SERIALIZABLE), set.isolation());
    StatementAnalysis both = control(
        "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    assertEquals(Optional.of(IsolationLevel.REPEATABLE_READ), both.isolation());
    assertEquals(Optional.of(true), both.readOnly());
  }

  @Test
  void sessionCharacteristicsAsPgjdbcSendsThem() throws SQLException {
    StatementAnalysis a =
        control("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
    assertEquals(Optional.of(IsolationLevel.SERIALIZABLE), a.isolation());
    assertEquals(Optional.of(true),
        control("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY").readOnly());
  }

  @Test
  void endOfTransaction() throws SQLException {
    assertInstanceOf(SqlCommit.class, control("COMMIT").command());
    assertInstanceOf(SqlCommit.class, control("commit;").command());
    assertInstanceOf(SqlRollback.class, control("ROLLBACK").command());
    assertInstanceOf(SqlCommit.class, control("END;").command());
    assertInstanceOf(SqlCommit.class, control("end transaction").command());
    assertInstanceOf(SqlRollback.class, control("ABORT").command());
  }

  @Test
  void savepoints() throws SQLException {
    assertInstanceOf(SqlSavepoint.class, control("SAVEPOINT PGJDBC_AUTOSAVE").command());
    assertInstanceOf(SqlReleaseSavepoint.class,
        control("RELEASE SAVEPOINT PGJDBC_AUTOSAVE").command());
    SqlRollback toSavepoint =
        (SqlRollback) control("ROLLBACK TO SAVEPOINT PGJDBC_AUTOSAVE").command();
    assertEquals("PGJDBC_AUTOSAVE", toSavepoint.getSavepoint().getSimple());
  }
}
