package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.latticeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLSyntaxErrorException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A malformed Lattice statement fails with 42601 and says what was expected. */
class LatticeSyntaxErrorTest {

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "message lacks '" + part + "': " + message);
    }
  }

  @Test
  void misspelledLevelListsTheValidLevels() {
    String message = latticeError("SET CONSISTENCY READ_YOUR_WRITE").getMessage();
    assertMentions(message, "Unknown consistency level 'READ_YOUR_WRITE'", "line 1, column 17",
        "EVENTUAL", "CONSISTENT_PREFIX", "MONOTONIC_READS", "READ_YOUR_WRITES", "CAUSAL",
        "BOUNDED_STALENESS", "STRONG", "QUORUM", "LINEARIZABLE", "SERIALIZABLE");
    assertMentions(latticeError("set consistency read your write").getMessage(),
        "'read your write'", "READ_YOUR_WRITES");
  }

  @Test
  void unknownUnitListsTheUnits() {
    assertMentions(latticeError("SET CONSISTENCY BOUNDED_STALENESS 5 HOURS").getMessage(),
        "Unknown staleness unit 'HOURS'", "MS, SECONDS or VERSIONS");
    assertMentions(latticeError("SET CONSISTENCY BOUNDED_STALENESS 5").getMessage(),
        "staleness unit (MS, SECONDS or VERSIONS)", "end of statement");
    assertMentions(latticeError("SET CONSISTENCY BOUNDED_STALENESS").getMessage(),
        "BOUNDED_STALENESS needs a bound", "BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS}");
  }

  @Test
  void negativeTimeoutAndDelayAreRejected() {
    assertMentions(latticeError("SET CONSISTENCY TIMEOUT -5").getMessage(),
        "timeout in milliseconds", "must not be negative", "-5");
    assertMentions(latticeError("ALTER REPLICA r1 SET DELAY -10").getMessage(),
        "delay in milliseconds", "must not be negative", "-10");
  }

  @Test
  void missingDelaySaysADelayWasExpected() {
    assertMentions(latticeError("ALTER REPLICA r1 SET DELAY").getMessage(),
        "Expected a delay in milliseconds", "end of statement");
    assertMentions(latticeError("ALTER REPLICA r1 STOP").getMessage(),
        "Invalid ALTER REPLICA statement", "'STOP'", "SET DELAY <ms>", "PAUSE", "RESUME");
    assertMentions(latticeError("ALTER REPLICA").getMessage(), "Invalid ALTER REPLICA");
  }

  @Test
  void postgresFormWithATypoListsTheLevels() {
    assertMentions(latticeError("SET consistency = 'casual'").getMessage(),
        "Invalid consistency 'casual'", "CAUSAL", "EVENTUAL", "SERIALIZABLE");
    assertMentions(latticeError("SET consistency TO casual").getMessage(),
        "Unknown consistency level 'casual'");
  }

  @Test
  void otherMalformedConsistencyStatements() {
    assertMentions(latticeError("SET CONSISTENCY").getMessage(), "Expected a consistency level");
    assertMentions(latticeError("SET CONSISTENCY FALLBACK LATER").getMessage(),
        "'LATER'", "PRIMARY or ERROR");
    assertMentions(latticeError("SET CONSISTENCY TOKEN abc").getMessage(),
        "Invalid SET CONSISTENCY statement", "TOKEN '<token>'");
    assertMentions(latticeError("SET CONSISTENCY STRONG 5").getMessage(),
        "STRONG takes no staleness bound");
    assertMentions(latticeError("SET CONSISTENCY CAUSAL READ 2").getMessage(),
        "CAUSAL takes no quorum sizes");
    assertMentions(latticeError("SET CONSISTENCY QUORUM WRITE two").getMessage(),
        "write quorum size", "'two'");
    assertMentions(latticeError("SET CONSISTENCY STRONG please").getMessage(),
        "Unexpected 'please' after SET CONSISTENCY");
    assertMentions(latticeError("SET CONSISTENCY TIMEOUT 99999999999999999999").getMessage(),
        "Number too large");
    assertMentions(latticeError("SHOW STATS now").getMessage(), "Unexpected 'now' after SHOW STATS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET CONSISTENCY READ_YOUR_WRITE", "SET consistency = 'casual'",
      "ALTER REPLICA r1 SET DELAY", "SET CONSISTENCY TIMEOUT -5"})
  void theExceptionIsAnSqlSyntaxErrorWith42601(String sql) {
    SqlParseException e = assertThrows(SqlParseException.class, () -> LatticeParsers.parse(sql));
    LatticeSyntaxException converted = LatticeSyntaxException.from(e);
    assertTrue(converted instanceof SQLSyntaxErrorException);
    assertEquals("42601", converted.getSQLState());
    assertSame(LatticeSyntaxException.latticeCause(e), converted);
    assertEquals(1, e.getPos().getLineNum(), "the parse exception carries the position");
  }

  @Test
  void anOrdinaryParseFailureIsNotALatticeError() {
    SqlParseException e = Parsing.ordinaryError("SELEC 1");
    LatticeSyntaxException converted = LatticeSyntaxException.from(e);
    assertEquals("42601", converted.getSQLState());
    assertSame(e, converted.getCause());
    Parsing.ordinaryError("SET MODE PostgreSQL");
    Parsing.ordinaryError("SHOW TABLES");
  }
}
