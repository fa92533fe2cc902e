package dev.lattice.sql.analysis;

import java.util.List;

/**
 * Finds a query's trailing {@code FOR UPDATE [OF …] [NOWAIT | WAIT n | SKIP LOCKED]} at the top
 * level of the statement, so that the stock grammar can parse the query without it.
 */
final class ForUpdateClause {
  private ForUpdateClause() {}

  /** The clause's tokens, or an empty list when the statement has none. */
  static List<SqlToken> find(List<SqlToken> tokens) {
    int depth = 0;
    for (int i = 0; i + 1 < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (t.isSymbol('(')) {
        depth++;
      } else if (t.isSymbol(')')) {
        depth--;
      } else if (depth == 0 && t.isWord("FOR") && tokens.get(i + 1).isWord("UPDATE")) {
        int end = i + 2;
        if (end < tokens.size() && tokens.get(end).isWord("OF")) {
          end++;
          while (end < tokens.size() && (tokens.get(end).isName()
              || tokens.get(end).isSymbol('.') || tokens.get(end).isSymbol(','))
              && !isOption(tokens.get(end))) {
            end++;
          }
        }
        while (end < tokens.size() && (isOption(tokens.get(end))
            || tokens.get(end).type == SqlToken.Type.NUMBER)) {
          end++;
        }
        return end == tokens.size() ? tokens.subList(i, end) : List.of();
      }
    }
    return List.of();
  }

  private static boolean isOption(SqlToken t) {
    return t.isWord("NOWAIT") || t.isWord("WAIT") || t.isWord("SKIP") || t.isWord("LOCKED");
  }
}
