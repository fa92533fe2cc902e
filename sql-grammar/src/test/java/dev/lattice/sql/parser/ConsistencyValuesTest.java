package dev.lattice.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import dev.lattice.sql.consistency.StalenessUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The consistency values shared with the driver: parsing, canonical text, equality. */
class ConsistencyValuesTest {

  @ParameterizedTest
  @EnumSource(ConsistencyLevel.class)
  void levelParsesInAnyCaseWithUnderscoresOrSpaces(ConsistencyLevel level) {
    assertEquals(level, ConsistencyLevel.parse(level.name()));
    assertEquals(level, ConsistencyLevel.parse(level.name().toLowerCase(java.util.Locale.ROOT)));
    assertEquals(level, ConsistencyLevel.parse("  " + level.name().replace('_', ' ') + " "));
  }

  @Test
  void unknownLevelNamesTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConsistencyLevel.parse("casual"));
    for (ConsistencyLevel level : ConsistencyLevel.values()) {
      assertTrue(e.getMessage().contains(level.name()), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
      "causal, CAUSAL",
      "read your writes, READ_YOUR_WRITES",
      "bounded_staleness 500 ms, BOUNDED_STALENESS 500 MS",
      "Bounded Staleness 2 seconds, BOUNDED_STALENESS 2 SECONDS",
      "bounded_staleness 500ms, BOUNDED_STALENESS 500 MS",
      "bounded_staleness 7 versions, BOUNDED_STALENESS 7 VERSIONS",
      "quorum, QUORUM",
      "QUORUM WRITE 2 READ 2, QUORUM WRITE 2 READ 2",
      "quorum read 3, QUORUM READ 3",
  })
  void specParsesPropertyValuesToTheirCanonicalForm(String text, String canonical) {
    ConsistencySpec spec = ConsistencySpec.parse(text);
    assertEquals(canonical, spec.toString());
    assertEquals(spec, ConsistencySpec.parse(spec.toString()));
    assertEquals(spec.hashCode(), ConsistencySpec.parse(spec.toString()).hashCode());
  }

  @Test
  void specEquality() {
    assertEquals(ConsistencySpec.of(ConsistencyLevel.QUORUM), ConsistencySpec.quorum(0, 0));
    assertNotEquals(ConsistencySpec.quorum(2, 0), ConsistencySpec.quorum(0, 2));
    assertNotEquals(ConsistencySpec.boundedStaleness(5, StalenessUnit.MS),
        ConsistencySpec.boundedStaleness(5, StalenessUnit.SECONDS));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "casual | Unknown consistency level",
      "bounded_staleness | Missing a staleness bound",
      "bounded_staleness 5 hours | MS, SECONDS, VERSIONS",
      "bounded_staleness 5 | Missing staleness unit",
      "bounded_staleness -5 ms | negative",
      "strong 5 | Unexpected '5'",
      "quorum write x | non-negative integer",
      "'' | Empty consistency level",
  })
  void badSpecsSayWhatWasExpected(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConsistencySpec.parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void boundedStalenessNeedsItsBound() {
    assertThrows(IllegalArgumentException.class,
        () -> ConsistencySpec.of(ConsistencyLevel.BOUNDED_STALENESS));
    assertThrows(IllegalArgumentException.class,
        () -> ConsistencySpec.boundedStaleness(-1, StalenessUnit.MS));
  }

  @Test
  void unitsAndFallbacks() {
    assertEquals(StalenessUnit.MS, StalenessUnit.parse("ms"));
    assertEquals(StalenessUnit.SECONDS, StalenessUnit.parse("Seconds"));
    assertEquals(StalenessUnit.VERSIONS, StalenessUnit.parse("VERSIONS"));
    assertThrows(IllegalArgumentException.class, () -> StalenessUnit.parse("hours"));
    assertEquals(Fallback.PRIMARY, Fallback.parse("primary"));
    assertEquals(Fallback.ERROR, Fallback.parse("ERROR"));
    assertThrows(IllegalArgumentException.class, () -> Fallback.parse("retry"));
  }
}
