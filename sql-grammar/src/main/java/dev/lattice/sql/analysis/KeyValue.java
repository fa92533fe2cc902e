package dev.lattice.sql.analysis;

/** One value of a key predicate: a literal written in the statement, or a parameter bound later. */
public sealed interface KeyValue permits KeyValue.Literal, KeyValue.Parameter {

  /** Whether the value is only known once the statement's parameters are bound. */
  boolean isParameter();

  /**
   * A literal as Java sees it: {@code Long} or {@code BigDecimal} for exact numbers,
   * {@code Double} for approximate ones, {@code String}, {@code Boolean},
   * {@code LocalDate}/{@code LocalTime}/{@code LocalDateTime}, or {@code null} for SQL NULL
   * (which appears only among an INSERT's values).
   */
  record Literal(Object value) implements KeyValue {
    @Override
    public boolean isParameter() {
      return false;
    }
  }

  /** A parameter by its 1-based number: the n of {@code $n}, or the position of a {@code ?}. */
  record Parameter(int number) implements KeyValue {
    public Parameter {
      if (number < 1) {
        throw new IllegalArgumentException("parameter numbers start at 1: " + number);
      }
    }

    @Override
    public boolean isParameter() {
      return true;
    }
  }
}
