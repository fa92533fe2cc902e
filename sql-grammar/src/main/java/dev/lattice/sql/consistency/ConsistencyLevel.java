package dev.lattice.sql.consistency;

import java.util.Locale;

/** The consistency levels a session can choose with {@code SET CONSISTENCY}, weakest first. */
public enum ConsistencyLevel {
  EVENTUAL,
  CONSISTENT_PREFIX,
  MONOTONIC_READS,
  READ_YOUR_WRITES,
  CAUSAL,
  BOUNDED_STALENESS,
  STRONG,
  QUORUM,
  LINEARIZABLE,
  SERIALIZABLE;

  private static final ConsistencyLevel[] VALUES = values();
  private static final String VALID_NAMES = validNames();

  /**
   * Parses a level name in any case, with words joined by underscores, spaces or hyphens
   * ({@code read your writes}, {@code Read_Your_Writes}).
   *
   * @throws IllegalArgumentException naming the valid levels when {@code text} is none of them
   */
  public static ConsistencyLevel parse(String text) {
    ConsistencyLevel level = lookup(text);
    if (level == null) {
      throw new IllegalArgumentException(
          "Unknown consistency level '" + text + "'; valid levels are " + VALID_NAMES);
    }
    return level;
  }

  /** Returns the level {@code text} names (see {@link #parse}), or null if it names none. */
  public static ConsistencyLevel lookup(String text) {
    if (text == null) {
      return null;
    }
    String name = text.trim().toUpperCase(Locale.ROOT).replaceAll("[\\s_-]+", "_");
    for (ConsistencyLevel level : VALUES) {
      if (level.name().equals(name)) {
        return level;
      }
    }
    return null;
  }

  /** The valid level names, comma separated, for error messages. */
  public static String names() {
    return VALID_NAMES;
  }

  private static String validNames() {
    StringBuilder b = new StringBuilder();
    for (ConsistencyLevel level : values()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(level.name());
    }
    return b.toString();
  }
}
