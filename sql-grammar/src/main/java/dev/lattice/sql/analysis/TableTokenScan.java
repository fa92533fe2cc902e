package dev.lattice.sql.analysis;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the tables a statement names by its tokens alone, for statements Calcite cannot parse:
 * names after FROM, JOIN, USING, REFERENCES are read; names after INTO, UPDATE, DELETE FROM,
 * TRUNCATE, a DDL statement's TABLE and an index's or trigger's ON are written. CTE names are
 * not tables. It over-approximates rather than misses: locking relies on it.
 */
final class TableTokenScan {
  private static final Set<String> NOT_A_NAME = Set.of(
      "SELECT", "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "NATURAL",
      "ON", "USING", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET", "FETCH", "UNION",
      "INTERSECT", "EXCEPT", "MINUS", "WINDOW", "SET", "VALUES", "DEFAULT", "KEY", "WHEN",
      "THEN", "AS", "FOR", "LATERAL", "UNNEST", "TABLE", "WITH", "RETURNING", "QUALIFY", "IF",
      "ONLY", "TABLESAMPLE", "CASCADE", "RESTRICT", "TO", "IS", "ADD", "DROP", "ALTER",
      "RENAME", "COLUMN", "CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "INDEX",
      "NOT", "EXISTS", "AND", "OR", "INTO", "FROM", "UPDATE", "DELETE", "INSERT", "MERGE",
      "MATCHED", "DIRECT", "SORTED", "NOWAIT", "SKIP", "WAIT", "OF", "SHARE", "LOCKED",
      "OVERRIDING", "CONTINUE", "IDENTITY", "PARTITION", "START", "CONNECT", "BY", "DO",
      "NOTHING", "CONFLICT", "WORK", "TRANSACTION", "STDIN", "STDOUT", "VERBOSE",
      "FREEZE", "ANALYZE", "SAMPLE_SIZE", "PROGRAM");
  private static final Set<String> FUNCTIONS_WITH_FROM =
      Set.of("EXTRACT", "SUBSTRING", "TRIM", "OVERLAY", "POSITION", "SUBSTR");
  private static final Set<String> VACUUM_OPTIONS =
      Set.of("FULL", "FREEZE", "VERBOSE", "ANALYZE");
  /** The first words of DDL statements: their names after TABLE, VIEW and ON are written. */
  static final Set<String> DDL_VERBS =
      Set.of("CREATE", "ALTER", "DROP", "TRUNCATE", "COMMENT", "GRANT", "REVOKE");

  private final List<SqlToken> tokens;
  private final Set<String> cteNames = new HashSet<>();
  private final boolean ddl;
  private final Set<TableName> reads = new LinkedHashSet<>();
  private final Set<TableName> writes = new LinkedHashSet<>();

  private TableTokenScan(List<SqlToken> tokens) {
    this.tokens = tokens;
    this.ddl = !tokens.isEmpty() && tokens.get(0).type == SqlToken.Type.WORD
        && DDL_VERBS.contains(tokens.get(0).text);
  }

  /** Scans {@code tokens} (one statement or several). */
  static TableTokenScan of(List<SqlToken> tokens) {
    TableTokenScan scan = new TableTokenScan(tokens);
    scan.findCteNames();
    scan.findTables();
    return scan;
  }

  Set<TableName> reads() {
    return reads;
  }

  Set<TableName> writes() {
    return writes;
  }

  private SqlToken at(int i) {
    return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
  }

  private boolean word(int i, String upper) {
    SqlToken t = at(i);
    return t != null && t.isWord(upper);
  }

  private boolean symbol(int i, char c) {
    SqlToken t = at(i);
    return t != null && t.isSymbol(c);
  }

  /** {@code WITH [RECURSIVE] name [(cols)] AS (…), name AS (…)}. */
  private void findCteNames() {
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      boolean listStart = word(i - 1, "WITH") || word(i - 1, "RECURSIVE") || symbol(i - 1, ',');
      if (!listStart || !t.isName()
          || (t.type == SqlToken.Type.WORD && NOT_A_NAME.contains(t.text))) {
        continue;
      }
      int next = i + 1;
      if (symbol(next, '(')) {
        next = closingParen(next) + 1;
      }
      if (word(next, "AS") && (symbol(next + 1, '(') || word(next + 1, "NOT")
          || word(next + 1, "MATERIALIZED"))) {
        cteNames.add(t.text);
      }
    }
  }

  private int closingParen(int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      if (tokens.get(i).isSymbol('(')) {
        depth++;
      } else if (tokens.get(i).isSymbol(')') && --depth == 0) {
        return i;
      }
    }
    return tokens.size();
  }

  private void findTables() {
    boolean sawIndexOrTrigger = false;
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (t.type != SqlToken.Type.WORD) {
        continue;
      }
      switch (t.text) {
        case "FROM":
          if (!word(i - 1, "DISTINCT") && !insideFunctionWithFrom(i)) {
            nameList(i + 1, word(i - 1, "DELETE") ? writes : reads, true);
          }
          break;
        case "JOIN":
          name(i + 1, reads, true);
          break;
        case "REFERENCES":
          name(i + 1, reads, false);
          break;
        case "USING":
          name(i + 1, reads, false);
          break;
        case "INTO":
          name(i + 1, writes, false);
          break;
        case "UPDATE":
          if (!word(i - 1, "FOR") && !word(i - 1, "ON") && !word(i - 1, "THEN")) {
            name(i + 1, writes, false);
          }
          break;
        case "TRUNCATE":
          if (!word(i + 1, "TABLE")) {
            nameList(i + 1, writes, false);
          }
          break;
        case "COPY":
          name(i + 1, writes, false);
          break;
        case "VACUUM":
        case "ANALYZE":
          int list = i + 1;
          while (at(list) != null && at(list).type == SqlToken.Type.WORD
              && VACUUM_OPTIONS.contains(at(list).text)) {
            list++;
          }
          nameList(word(list, "TABLE") ? list + 1 : list, writes, false);
          break;
        case "VIEW":
          if (ddl) {
            nameList(i + 1, writes, false);
          }
          break;
        case "TABLE":
          if (ddl) {
            nameList(i + 1, writes, false);
          } else if (!symbol(i + 1, '(')) {
            name(i + 1, reads, true);
          }
          break;
        case "INDEX":
        case "TRIGGER":
          sawIndexOrTrigger = ddl;
          break;
        case "ON":
          if (sawIndexOrTrigger || (ddl && (tokens.get(0).isWord("GRANT")
              || tokens.get(0).isWord("REVOKE")))) {
            name(i + 1, writes, false);
            sawIndexOrTrigger = false;
          }
          break;
        default:
          break;
      }
    }
  }

  /** Whether FROM at {@code i} belongs to EXTRACT(x FROM y), SUBSTRING(x FROM n) and the like. */
  private boolean insideFunctionWithFrom(int i) {
    int depth = 0;
    for (int j = i - 1; j >= 0; j--) {
      if (tokens.get(j).isSymbol(')')) {
        depth++;
      } else if (tokens.get(j).isSymbol('(') && depth-- == 0) {
        SqlToken before = at(j - 1);
        return before != null && before.type == SqlToken.Type.WORD
            && FUNCTIONS_WITH_FROM.contains(before.text);
      }
    }
    return false;
  }

  /** A comma-separated list of names, each with an optional alias. */
  private void nameList(int i, Set<TableName> into, boolean functionMeansNoTable) {
    int next = name(i, into, functionMeansNoTable);
    while (next > i) {
      int afterAlias = next;
      if (word(afterAlias, "AS")) {
        afterAlias++;
      }
      SqlToken alias = at(afterAlias);
      if (alias != null && alias.isName()
          && !(alias.type == SqlToken.Type.WORD && NOT_A_NAME.contains(alias.text))) {
        afterAlias++;
      }
      if (!symbol(afterAlias, ',')) {
        return;
      }
      i = afterAlias + 1;
      next = name(i, into, functionMeansNoTable);
    }
  }

  /**
   * Reads one possibly qualified name at {@code i} (after ONLY, IF [NOT] EXISTS) into
   * {@code into}; returns the index after it, or {@code i} when there is no table name there.
   */
  private int name(int i, Set<TableName> into, boolean functionMeansNoTable) {
    int start = i;
    if (word(i, "ONLY")) {
      i++;
    }
    if (word(i, "IF")) {
      i += word(i + 1, "NOT") ? 3 : 2;
    }
    SqlToken first = at(i);
    if (first == null || !first.isName()
        || (first.type == SqlToken.Type.WORD && NOT_A_NAME.contains(first.text))) {
      return start;
    }
    String schema = null;
    String name = first.text;
    int end = i + 1;
    while (symbol(end, '.') && at(end + 1) != null && at(end + 1).isName()) {
      schema = name;
      name = at(end + 1).text;
      end += 2;
    }
    if (functionMeansNoTable && symbol(end, '(')) {
      return start;
    }
    if (schema == null && cteNames.contains(name)) {
      return end;
    }
    into.add(TableName.of(schema, name));
    return end;
  }
}
