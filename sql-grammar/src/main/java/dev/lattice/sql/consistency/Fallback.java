package dev.lattice.sql.consistency;

import java.util.Locale;

/** What a read does when no replica meets its level in time: go to the primary, or fail. */
public enum Fallback {
  PRIMARY,
  ERROR;

  /**
   * Parses a fallback in any case.
   *
   * @throws IllegalArgumentException naming the valid fallbacks
   */
  public static Fallback parse(String text) {
    String name = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (Fallback fallback : values()) {
      if (fallback.name().equals(name)) {
        return fallback;
      }
    }
    throw new IllegalArgumentException(
        "Unknown consistency fallback '" + text + "'; valid fallbacks are PRIMARY, ERROR");
  }
}
