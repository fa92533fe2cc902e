package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static dev.lattice.sql.parser.Parsing.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.statement.IsolationLevel;
import dev.lattice.sql.statement.SqlBeginTransaction;
import dev.lattice.sql.statement.SqlCommit;
import dev.lattice.sql.statement.SqlReleaseSavepoint;
import dev.lattice.sql.statement.SqlRollback;
import dev.lattice.sql.statement.SqlSavepoint;
import dev.lattice.sql.statement.SqlSetTransaction;
import java.sql.Connection;
import org.apache.calcite.sql.SqlKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transaction control. Calcite 1.42's stock grammar has COMMIT and ROLLBACK as keywords only, no
 * statements, so all of these are Lattice nodes.
 */
class TransactionStatementsTest {

  @ParameterizedTest
  @ValueSource(strings = {"BEGIN", "begin transaction", "BEGIN WORK", "START TRANSACTION"})
  void beginWithoutModes(String sql) {
    SqlBeginTransaction node = parse(sql, SqlBeginTransaction.class);
    assertNull(node.getReadOnly());
    assertNull(node.getIsolation());
    roundTrip(node);
  }

  @Test
  void beginWithModesInAnyOrderWithOrWithoutCommas() {
    SqlBeginTransaction a = parse(
        "BEGIN TRANSACTION READ ONLY, ISOLATION LEVEL SERIALIZABLE", SqlBeginTransaction.class);
    assertEquals(Boolean.TRUE, a.getReadOnly());
    assertEquals(IsolationLevel.SERIALIZABLE, a.getIsolation());
    SqlBeginTransaction b = parse(
        "start transaction isolation level repeatable read read write", SqlBeginTransaction.class);
    assertEquals(Boolean.FALSE, b.getReadOnly());
    assertEquals(IsolationLevel.REPEATABLE_READ, b.getIsolation());
    SqlBeginTransaction c =
        parse("BEGIN ISOLATION LEVEL SERIALIZABLE", SqlBeginTransaction.class);
    assertEquals(IsolationLevel.SERIALIZABLE, c.getIsolation());
    assertNull(c.getReadOnly());
    SqlBeginTransaction d = parse(
        "BEGIN WORK ISOLATION LEVEL READ COMMITTED, READ ONLY", SqlBeginTransaction.class);
    assertEquals(IsolationLevel.READ_COMMITTED, d.getIsolation());
    assertEquals(Boolean.TRUE, d.getReadOnly());
    assertEquals(IsolationLevel.READ_UNCOMMITTED, parse(
        "BEGIN ISOLATION LEVEL READ UNCOMMITTED", SqlBeginTransaction.class).getIsolation());
    for (SqlBeginTransaction node : new SqlBeginTransaction[] {a, b, c, d}) {
      SqlBeginTransaction again = roundTrip(node);
      assertEquals(node.getReadOnly(), again.getReadOnly());
      assertEquals(node.getIsolation(), again.getIsolation());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"COMMIT", "commit work", "COMMIT TRANSACTION"})
  void commit(String sql) {
    SqlCommit node = parse(sql, SqlCommit.class);
    assertEquals(SqlKind.COMMIT, node.getKind());
    roundTrip(node);
  }

  @Test
  void rollbackWithAndWithoutSavepoint() {
    SqlRollback all = parse("ROLLBACK", SqlRollback.class);
    assertNull(all.getSavepoint());
    assertEquals(SqlKind.ROLLBACK, all.getKind());
    assertNull(parse("rollback work", SqlRollback.class).getSavepoint());
    assertEquals("SP1",
        parse("ROLLBACK TO SAVEPOINT sp1", SqlRollback.class).getSavepoint().getSimple());
    assertEquals("SP1", parse("ROLLBACK WORK TO sp1", SqlRollback.class).getSavepoint().getSimple());
    assertEquals("Sp", roundTrip(parse("rollback to savepoint \"Sp\"", SqlRollback.class))
        .getSavepoint().getSimple());
    roundTrip(all);
  }

  @Test
  void savepointAndRelease() {
    SqlSavepoint savepoint = parse("SAVEPOINT sp1", SqlSavepoint.class);
    assertEquals("SP1", savepoint.getName().getSimple());
    assertEquals("SP1", roundTrip(savepoint).getName().getSimple());
    SqlReleaseSavepoint release = parse("RELEASE SAVEPOINT sp1", SqlReleaseSavepoint.class);
    assertEquals("SP1", release.getName().getSimple());
    assertEquals("SP2", parse("release sp2", SqlReleaseSavepoint.class).getName().getSimple());
    roundTrip(release);
  }

  @Test
  void setTransaction() {
    SqlSetTransaction next =
        parse("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", SqlSetTransaction.class);
    assertEquals(IsolationLevel.SERIALIZABLE, next.getIsolation());
    assertNull(next.getReadOnly());
    assertFalse(next.isSession());
    SqlSetTransaction readOnly = parse("set transaction read only", SqlSetTransaction.class);
    assertEquals(Boolean.TRUE, readOnly.getReadOnly());
    // what pgjdbc's and H2's setTransactionIsolation send
    SqlSetTransaction session = parse(
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
        SqlSetTransaction.class);
    assertTrue(session.isSession());
    assertEquals(IsolationLevel.READ_COMMITTED, session.getIsolation());
    for (SqlSetTransaction node : new SqlSetTransaction[] {next, readOnly, session}) {
      SqlSetTransaction again = roundTrip(node);
      assertEquals(node.isSession(), again.isSession());
      assertEquals(node.getIsolation(), again.getIsolation());
    }
  }

  @Test
  void isolationLevelsMapToJdbc() {
    assertEquals(Connection.TRANSACTION_SERIALIZABLE, IsolationLevel.SERIALIZABLE.jdbcLevel());
    for (IsolationLevel level : IsolationLevel.values()) {
      assertEquals(level, IsolationLevel.fromJdbc(level.jdbcLevel()));
    }
  }
}
