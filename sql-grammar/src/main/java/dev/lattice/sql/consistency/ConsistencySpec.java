package dev.lattice.sql.consistency;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A consistency level with its arguments: the bound and unit of {@code BOUNDED_STALENESS}, the
 * write and read quorum sizes of {@code QUORUM} (0 = the cluster's default). Immutable.
 */
public final class ConsistencySpec {
  private static final Map<ConsistencyLevel, ConsistencySpec> PLAIN =
      new EnumMap<>(ConsistencyLevel.class);

  static {
    for (ConsistencyLevel level : ConsistencyLevel.values()) {
      if (level != ConsistencyLevel.BOUNDED_STALENESS) {
        PLAIN.put(level, new ConsistencySpec(level, 0, null, 0, 0));
      }
    }
  }

  private final ConsistencyLevel level;
  private final long bound;
  private final StalenessUnit unit;
  private final int writeQuorum;
  private final int readQuorum;

  private ConsistencySpec(
      ConsistencyLevel level, long bound, StalenessUnit unit, int writeQuorum, int readQuorum) {
    this.level = level;
    this.bound = bound;
    this.unit = unit;
    this.writeQuorum = writeQuorum;
    this.readQuorum = readQuorum;
  }

  /**
   * The spec of a level without arguments ({@code QUORUM} with default sizes).
   *
   * @throws IllegalArgumentException for {@code BOUNDED_STALENESS}, which needs a bound
   */
  public static ConsistencySpec of(ConsistencyLevel level) {
    Objects.requireNonNull(level, "level");
    ConsistencySpec spec = PLAIN.get(level);
    if (spec == null) {
      throw new IllegalArgumentException(
          "BOUNDED_STALENESS needs a bound: BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS}");
    }
    return spec;
  }

  /** {@code BOUNDED_STALENESS bound unit}; the bound must not be negative. */
  public static ConsistencySpec boundedStaleness(long bound, StalenessUnit unit) {
    Objects.requireNonNull(unit, "unit");
    if (bound < 0) {
      throw new IllegalArgumentException("The staleness bound must not be negative: " + bound);
    }
    return new ConsistencySpec(ConsistencyLevel.BOUNDED_STALENESS, bound, unit, 0, 0);
  }

  /** {@code QUORUM WRITE w READ r}; 0 leaves a size at the cluster's default. */
  public static ConsistencySpec quorum(int writeQuorum, int readQuorum) {
    if (writeQuorum < 0 || readQuorum < 0) {
      throw new IllegalArgumentException(
          "Quorum sizes must not be negative: WRITE " + writeQuorum + " READ " + readQuorum);
    }
    if (writeQuorum == 0 && readQuorum == 0) {
      return PLAIN.get(ConsistencyLevel.QUORUM);
    }
    return new ConsistencySpec(ConsistencyLevel.QUORUM, 0, null, writeQuorum, readQuorum);
  }

  /**
   * Parses the text of a level with its arguments, as a property value or in {@code SET
   * consistency = '...'}: {@code causal}, {@code read your writes}, {@code bounded_staleness 500
   * ms}, {@code quorum write 2 read 2}. Case, underscores and spaces are as in {@link
   * ConsistencyLevel#parse}.
   *
   * @throws IllegalArgumentException with a message naming what was expected
   */
  public static ConsistencySpec parse(String text) {
    return new SpecText(text).parse();
  }

  public ConsistencyLevel getLevel() {
    return level;
  }

  /** The staleness bound of {@code BOUNDED_STALENESS}, in {@link #getUnit()}; 0 otherwise. */
  public long getBound() {
    return bound;
  }

  /** The unit of the staleness bound; null unless the level is {@code BOUNDED_STALENESS}. */
  public StalenessUnit getUnit() {
    return unit;
  }

  /** The write quorum size of {@code QUORUM}; 0 means the cluster's default. */
  public int getWriteQuorum() {
    return writeQuorum;
  }

  /** The read quorum size of {@code QUORUM}; 0 means the cluster's default. */
  public int getReadQuorum() {
    return readQuorum;
  }

  /** The canonical SQL form, e.g. {@code BOUNDED_STALENESS 500 MS}, {@code QUORUM WRITE 2 READ 2}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(level.name());
    if (unit != null) {
      b.append(' ').append(bound).append(' ').append(unit.name());
    }
    if (writeQuorum > 0) {
      b.append(" WRITE ").append(writeQuorum);
    }
    if (readQuorum > 0) {
      b.append(" READ ").append(readQuorum);
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ConsistencySpec)) {
      return false;
    }
    ConsistencySpec that = (ConsistencySpec) o;
    return level == that.level
        && bound == that.bound
        && unit == that.unit
        && writeQuorum == that.writeQuorum
        && readQuorum == that.readQuorum;
  }

  @Override
  public int hashCode() {
    return Objects.hash(level, bound, unit, writeQuorum, readQuorum);
  }
}
