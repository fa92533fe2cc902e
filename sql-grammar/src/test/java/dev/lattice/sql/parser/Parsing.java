package dev.lattice.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;

/** Test helpers: parse with the Lattice config, round-trip, expect errors. */
final class Parsing {
  private Parsing() {}

  static SqlNode parse(String sql) {
    try {
      return LatticeParsers.parse(sql);
    } catch (SqlParseException e) {
      throw new AssertionError("does not parse: " + sql + "\n" + e.getMessage(), e);
    }
  }

  static <T extends SqlNode> T parse(String sql, Class<T> type) {
    return assertInstanceOf(type, parse(sql), sql);
  }

  /**
   * Unparses {@code node}, parses the text again and checks the new node has the same class and
   * the same fields (operands, compared deeply without positions); returns the new node.
   */
  @SuppressWarnings("unchecked")
  static <T extends SqlNode> T roundTrip(T node) {
    String sql = LatticeParsers.toSql(node);
    SqlNode again = parse(sql);
    assertEquals(node.getClass(), again.getClass(), sql);
    assertTrue(node.equalsDeep(again, Litmus.IGNORE),
        () -> "round trip changed the node:\n  " + sql + "\n  " + LatticeParsers.toSql(again));
    assertEquals(sql, LatticeParsers.toSql(again), "unparse is stable");
    return (T) again;
  }

  /** Parses {@code sql} expecting a malformed Lattice statement; returns its 42601 exception. */
  static LatticeSyntaxException latticeError(String sql) {
    SqlParseException e = assertThrows(SqlParseException.class, () -> LatticeParsers.parse(sql));
    LatticeSyntaxException lattice = LatticeSyntaxException.latticeCause(e);
    assertNotNull(lattice, () -> "not a Lattice syntax error: " + e.getMessage());
    assertEquals("42601", lattice.getSQLState());
    assertEquals(e.getMessage(), lattice.getMessage());
    return lattice;
  }

  /** Parses {@code sql} expecting an ordinary (not Lattice) parse failure. */
  static SqlParseException ordinaryError(String sql) {
    SqlParseException e = assertThrows(SqlParseException.class, () -> LatticeParsers.parse(sql));
    assertTrue(!LatticeSyntaxException.isLatticeStatementError(e),
        () -> "unexpected Lattice error: " + e.getMessage());
    return e;
  }
}
