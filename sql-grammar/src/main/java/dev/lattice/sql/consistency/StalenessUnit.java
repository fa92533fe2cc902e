package dev.lattice.sql.consistency;

import java.util.Locale;

/** The unit of a {@code BOUNDED_STALENESS} bound: wall-clock time or committed versions (LSNs). */
public enum StalenessUnit {
  MS,
  SECONDS,
  VERSIONS;

  /**
   * Parses a unit in any case; {@code MILLISECONDS}, {@code SECOND} and {@code VERSION} are
   * accepted as spellings of the three units.
   *
   * @throws IllegalArgumentException naming the valid units
   */
  public static StalenessUnit parse(String text) {
    String name = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    switch (name) {
      case "MS":
      case "MILLISECOND":
      case "MILLISECONDS":
        return MS;
      case "SECOND":
      case "SECONDS":
        return SECONDS;
      case "VERSION":
      case "VERSIONS":
        return VERSIONS;
      default:
        throw new IllegalArgumentException(
            "Unknown staleness unit '" + text + "'; valid units are MS, SECONDS, VERSIONS");
    }
  }
}
