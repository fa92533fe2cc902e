package dev.lattice.sql.parser;

import java.sql.SQLSyntaxErrorException;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * A malformed statement, SQLState {@code 42601} (syntax error). The parser throws it, wrapped in a
 * {@link SqlParseException}, for a statement that starts like a Lattice statement ({@code SET
 * CONSISTENCY}, {@code SHOW REPLICAS}, {@code ALTER REPLICA}, ...) but does not follow its grammar.
 */
public class LatticeSyntaxException extends SQLSyntaxErrorException {
  private static final long serialVersionUID = 1L;

  /** SQLState of a syntax error. */
  public static final String SQL_STATE = "42601";

  public LatticeSyntaxException(String message) {
    super(message, SQL_STATE);
  }

  public LatticeSyntaxException(String message, Throwable cause) {
    super(message, SQL_STATE, cause);
  }

  /**
   * The Lattice syntax error inside {@code e}, or null when {@code e} is an ordinary parse failure
   * (a statement that is not a Lattice statement and that Calcite cannot parse, which the router
   * sends on conservatively rather than rejecting).
   */
  public static LatticeSyntaxException latticeCause(SqlParseException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LatticeSyntaxException) {
        return (LatticeSyntaxException) t;
      }
    }
    return null;
  }

  /** True when {@code e} is a malformed Lattice statement (see {@link #latticeCause}). */
  public static boolean isLatticeStatementError(SqlParseException e) {
    return latticeCause(e) != null;
  }

  /** Converts any parse failure into a 42601 exception, keeping the Lattice message if there is one. */
  public static LatticeSyntaxException from(SqlParseException e) {
    LatticeSyntaxException lattice = latticeCause(e);
    return lattice != null ? lattice : new LatticeSyntaxException(e.getMessage(), e);
  }
}
