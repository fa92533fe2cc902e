package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static dev.lattice.sql.parser.Parsing.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import dev.lattice.sql.consistency.StalenessUnit;
import dev.lattice.sql.statement.SqlSetConsistency;
import dev.lattice.sql.statement.SqlSetConsistencyFallback;
import dev.lattice.sql.statement.SqlSetConsistencyTimeout;
import dev.lattice.sql.statement.SqlSetConsistencyToken;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** SET CONSISTENCY in every form of SPEC section 3. */
class SetConsistencyTest {

  private static ConsistencySpec spec(String sql) {
    SqlSetConsistency node = parse(sql, SqlSetConsistency.class);
    roundTrip(node);
    return node.getSpec();
  }

  @ParameterizedTest
  @EnumSource(value = ConsistencyLevel.class, names = {"BOUNDED_STALENESS"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyLevelParsesInAnyCaseAndSpelling(ConsistencyLevel level) {
    String underscored = level.name();
    String spaced = underscored.replace('_', ' ');
    ConsistencySpec expected = ConsistencySpec.of(level);
    assertEquals(expected, spec("SET CONSISTENCY " + underscored));
    assertEquals(expected, spec("set consistency " + underscored.toLowerCase(Locale.ROOT)));
    assertEquals(expected, spec("SET CONSISTENCY " + spaced));
    assertEquals(expected, spec("Set Consistency " + spaced.toLowerCase(Locale.ROOT)));
    assertEquals(expected, spec("SET consistency = '" + spaced.toLowerCase(Locale.ROOT) + "'"));
    assertEquals(expected, spec("SET consistency TO " + underscored.toLowerCase(Locale.ROOT)));
    assertEquals(expected, spec("SET consistency to '" + underscored + "'"));
  }

  @Test
  void readYourWritesIsTheSameLevelWithUnderscoresOrSpaces() {
    assertEquals(spec("SET CONSISTENCY READ_YOUR_WRITES"), spec("SET CONSISTENCY READ YOUR WRITES"));
    assertEquals(ConsistencyLevel.READ_YOUR_WRITES,
        parse("set consistency read your writes", SqlSetConsistency.class).getLevel());
  }

  @ParameterizedTest
  @CsvSource({
      "SET CONSISTENCY BOUNDED_STALENESS 500 MS, 500, MS",
      "set consistency bounded staleness 5 seconds, 5, SECONDS",
      "SET CONSISTENCY Bounded_Staleness 3 versions, 3, VERSIONS",
      "SET CONSISTENCY BOUNDED_STALENESS 0 MS, 0, MS",
      "SET consistency = 'bounded_staleness 500 ms', 500, MS",
      "SET consistency TO bounded_staleness 10 VERSIONS, 10, VERSIONS",
  })
  void boundedStalenessTakesABoundAndAUnit(String sql, long bound, StalenessUnit unit) {
    ConsistencySpec spec = spec(sql);
    assertEquals(ConsistencyLevel.BOUNDED_STALENESS, spec.getLevel());
    assertEquals(bound, spec.getBound());
    assertEquals(unit, spec.getUnit());
  }

  @ParameterizedTest
  @CsvSource({
      "SET CONSISTENCY QUORUM, 0, 0",
      "SET CONSISTENCY QUORUM WRITE 2 READ 2, 2, 2",
      "set consistency quorum write 3, 3, 0",
      "SET CONSISTENCY QUORUM READ 1, 0, 1",
      "SET consistency = 'quorum write 2 read 1', 2, 1",
  })
  void quorumTakesOptionalWriteAndReadSizes(String sql, int write, int read) {
    ConsistencySpec spec = spec(sql);
    assertEquals(ConsistencyLevel.QUORUM, spec.getLevel());
    assertEquals(write, spec.getWriteQuorum());
    assertEquals(read, spec.getReadQuorum());
  }

  @Test
  void postgresFormsGiveTheSameStatement() {
    ConsistencySpec causal = ConsistencySpec.of(ConsistencyLevel.CAUSAL);
    assertEquals(causal, spec("SET consistency = 'causal'"));
    assertEquals(causal, spec("SET consistency TO causal"));
    assertEquals(causal, spec("SET consistency = causal"));
    assertEquals(ConsistencySpec.boundedStaleness(500, StalenessUnit.MS),
        spec("SET consistency = 'bounded_staleness 500 ms'"));
  }

  @Test
  void unparseIsTheCanonicalForm() {
    assertEquals("SET CONSISTENCY READ_YOUR_WRITES",
        LatticeParsers.toSql(parse("set consistency = 'read your writes'")));
    assertEquals("SET CONSISTENCY BOUNDED_STALENESS 500 MS",
        LatticeParsers.toSql(parse("SET consistency TO bounded staleness 500 ms")));
    assertEquals("SET CONSISTENCY QUORUM WRITE 2 READ 2",
        LatticeParsers.toSql(parse("set consistency quorum write 2 read 2")));
  }

  @ParameterizedTest
  @CsvSource({"SET CONSISTENCY TIMEOUT 500, 500", "set consistency timeout 0, 0",
      "SET CONSISTENCY TIMEOUT 86400000, 86400000"})
  void timeout(String sql, long ms) {
    SqlSetConsistencyTimeout node = parse(sql, SqlSetConsistencyTimeout.class);
    assertEquals(ms, node.getTimeoutMs());
    assertEquals(ms, roundTrip(node).getTimeoutMs());
  }

  @ParameterizedTest
  @CsvSource({"SET CONSISTENCY FALLBACK PRIMARY, PRIMARY", "set consistency fallback error, ERROR",
      "SET CONSISTENCY FALLBACK Primary, PRIMARY"})
  void fallback(String sql, Fallback fallback) {
    SqlSetConsistencyFallback node = parse(sql, SqlSetConsistencyFallback.class);
    assertEquals(fallback, node.getFallback());
    assertEquals(fallback, roundTrip(node).getFallback());
  }

  @Test
  void tokenKeepsItsTextExactly() {
    SqlSetConsistencyToken node =
        parse("SET CONSISTENCY TOKEN 'lattice:c1:42'", SqlSetConsistencyToken.class);
    assertEquals("lattice:c1:42", node.getToken());
    assertEquals("lattice:c1:42", roundTrip(node).getToken());
    SqlSetConsistencyToken quoted =
        parse("set consistency token 'it''s:7'", SqlSetConsistencyToken.class);
    assertEquals("it's:7", quoted.getToken());
    assertEquals("SET CONSISTENCY TOKEN 'it''s:7'", LatticeParsers.toSql(quoted));
    assertEquals("it's:7", roundTrip(quoted).getToken());
  }

  @Test
  void trailingSemicolonIsAccepted() {
    assertEquals(ConsistencyLevel.STRONG,
        parse("SET CONSISTENCY STRONG ;", SqlSetConsistency.class).getLevel());
  }
}
