package dev.lattice.sql.analysis;

/**
 * One parameter marker as written in the statement text: {@code ?}, {@code ?n} or {@code $n} at
 * {@code offset} spanning {@code length} characters, standing for parameter {@code number}
 * (1-based; {@code $n} may repeat and appear out of order).
 */
public record ParameterMarker(int offset, int length, int number) {
  public ParameterMarker {
    if (offset < 0 || length < 1 || number < 1) {
      throw new IllegalArgumentException(
          "bad marker: offset " + offset + ", length " + length + ", number " + number);
    }
  }

  /** Whether the marker is a JDBC {@code ?} rather than a numbered {@code $n} or {@code ?n}. */
  public boolean isJdbcStyle() {
    return length == 1;
  }
}
