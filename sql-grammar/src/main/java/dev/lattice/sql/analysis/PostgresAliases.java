package dev.lattice.sql.analysis;

import java.util.List;

/**
 * PostgreSQL's {@code END [WORK | TRANSACTION]} and {@code ABORT [WORK | TRANSACTION]}, which
 * pgbench's scripts end with: the same as COMMIT and ROLLBACK, parsed as those.
 */
final class PostgresAliases {
  private PostgresAliases() {}

  static boolean isEndOrAbort(List<SqlToken> tokens) {
    SqlToken first = tokens.get(0);
    if (!first.isWord("END") && !first.isWord("ABORT")) {
      return false;
    }
    return tokens.size() == 1
        || tokens.size() == 2 && (tokens.get(1).isWord("WORK")
            || tokens.get(1).isWord("TRANSACTION"));
  }

  /** The statement as COMMIT or ROLLBACK (only the leading word differs). */
  static String asCommitOrRollback(List<SqlToken> tokens) {
    SqlToken first = tokens.get(0);
    String replacement = first.isWord("END") ? "COMMIT" : "ROLLBACK";
    String rest = tokens.size() > 1 ? " " + tokens.get(1).text : "";
    return replacement + rest;
  }
}
