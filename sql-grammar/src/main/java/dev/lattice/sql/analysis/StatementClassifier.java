package dev.lattice.sql.analysis;

import dev.lattice.sql.statement.SqlAlterCluster;
import dev.lattice.sql.statement.SqlAlterReplica;
import dev.lattice.sql.statement.SqlBeginTransaction;
import dev.lattice.sql.statement.SqlCommit;
import dev.lattice.sql.statement.SqlLatticeDdl;
import dev.lattice.sql.statement.SqlReleaseSavepoint;
import dev.lattice.sql.statement.SqlRollback;
import dev.lattice.sql.statement.SqlSavepoint;
import dev.lattice.sql.statement.SqlSelectForUpdate;
import dev.lattice.sql.statement.SqlSetConsistency;
import dev.lattice.sql.statement.SqlSetConsistencyFallback;
import dev.lattice.sql.statement.SqlSetConsistencyTimeout;
import dev.lattice.sql.statement.SqlSetConsistencyToken;
import dev.lattice.sql.statement.SqlSetTransaction;
import dev.lattice.sql.statement.SqlShowConsistency;
import dev.lattice.sql.statement.SqlShowLocks;
import dev.lattice.sql.statement.SqlShowReplicas;
import dev.lattice.sql.statement.SqlShowStats;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Analyzes one statement text from scratch (the uncached path of {@link StatementAnalyzer}):
 * lexes it once, lets the grammar parse it, and reads the parsed tree; whatever the grammar
 * rejects is classified by its leading words and its tables found by a token scan.
 */
final class StatementClassifier {
  private static final Set<SqlKind> QUERY_KINDS = Set.of(SqlKind.SELECT, SqlKind.ORDER_BY,
      SqlKind.WITH, SqlKind.UNION, SqlKind.INTERSECT, SqlKind.EXCEPT, SqlKind.VALUES,
      SqlKind.EXPLICIT_TABLE);
  private static final Set<SqlKind> DML_KINDS =
      Set.of(SqlKind.INSERT, SqlKind.UPDATE, SqlKind.DELETE, SqlKind.MERGE);

  private final LatticeGrammar grammar;

  StatementClassifier(LatticeGrammar grammar) {
    this.grammar = grammar;
  }

  StatementAnalysis classify(String sql) throws SQLException {
    StatementText text = StatementText.of(sql);
    StatementAnalysis.Builder b = StatementAnalysis.builder(sql);
    b.parameterMarkers = text.markers;
    b.statementCount = text.statements.size();
    if (text.statements.isEmpty()) {
      return b.build();
    }
    b.mayChangeSchema = mayChangeSchema(text.statements);
    b.copiesRows = copiesRows(text.statements);
    boolean parseable = ExpressionDepth.check(text.tokens);
    if (text.statements.size() > 1) {
      return scanned(b, text.tokens, StatementKind.OTHER);
    }
    List<SqlToken> tokens = text.statements.get(0);
    if (!parseable) {
      return unparsed(b, tokens);
    }
    SqlNode node = grammar.parse(text.forParser(List.of()), tokens);
    if (node == null && PostgresAliases.isEndOrAbort(tokens)) {
      node = grammar.parse(PostgresAliases.asCommitOrRollback(tokens), tokens);
    }
    if (node == null) {
      List<SqlToken> forUpdate = ForUpdateClause.find(tokens);
      if (!forUpdate.isEmpty()) {
        b.forUpdate = true;
        node = grammar.parse(text.forParser(forUpdate), tokens);
      }
    }
    return node == null ? unparsed(b, tokens) : parsed(b, text, tokens, node);
  }

  private StatementAnalysis parsed(StatementAnalysis.Builder b, StatementText text,
      List<SqlToken> tokens, SqlNode node) {
    b.parsed = true;
    if (node instanceof SqlSelectForUpdate forUpdate) {
      b.forUpdate = true;
      node = forUpdate.getQuery();
    }
    SqlKind kind = node.getKind();
    if (QUERY_KINDS.contains(kind) || DML_KINDS.contains(kind)) {
      TableAccessCollector c = TableAccessCollector.of(node, text::parameterNumber);
      b.kind = DML_KINDS.contains(kind) ? StatementKind.DML : StatementKind.QUERY;
      b.readTables = c.reads();
      b.writtenTables = c.writes();
      b.keyPredicates = c.keyPredicates();
      b.callsPrimaryOnlyFunction = c.callsPrimaryOnlyFunction();
      return b.build();
    }
    if (node instanceof SqlLatticeDdl ddl) {
      return DdlTables.read(b, ddl, tokens, text::parameterNumber);
    }
    StatementKind commandKind = commandKind(node);
    if (commandKind != null) {
      b.kind = commandKind;
      b.command = node;
      transactionModes(b, node);
      return b.build();
    }
    if (kind == SqlKind.SET_OPTION) {
      b.kind = StatementKind.SESSION_SETTING;
      return b.build();
    }
    // CALL, EXPLAIN, DESCRIBE and the like: parsed, but their effects are not known.
    return scanned(b, tokens, StatementKind.OTHER);
  }

  private static StatementKind commandKind(SqlNode node) {
    if (node instanceof SqlSetConsistency || node instanceof SqlSetConsistencyTimeout
        || node instanceof SqlSetConsistencyFallback || node instanceof SqlSetConsistencyToken
        || node instanceof SqlShowConsistency) {
      return StatementKind.LATTICE_SESSION;
    }
    if (node instanceof SqlShowReplicas || node instanceof SqlShowStats
        || node instanceof SqlShowLocks || node instanceof SqlAlterReplica || node instanceof SqlAlterCluster) {
      return StatementKind.LATTICE_ADMIN;
    }
    if (node instanceof SqlBeginTransaction || node instanceof SqlCommit
        || node instanceof SqlRollback || node instanceof SqlSavepoint
        || node instanceof SqlReleaseSavepoint || node instanceof SqlSetTransaction) {
      return StatementKind.TRANSACTION_CONTROL;
    }
    return null;
  }

  private static void transactionModes(StatementAnalysis.Builder b, SqlNode node) {
    if (node instanceof SqlBeginTransaction begin) {
      b.readOnly = begin.getReadOnly();
      b.isolation = begin.getIsolation();
    } else if (node instanceof SqlSetTransaction set) {
      b.readOnly = set.getReadOnly();
      b.isolation = set.getIsolation();
    }
  }

  /** Words that begin a statement which may change the schema (or run anything that does). */
  private static final java.util.Set<String> SCHEMA_VERBS = java.util.Set.of("CREATE", "ALTER", "DROP",
      "TRUNCATE", "RENAME", "COMMENT", "GRANT", "REVOKE", "CALL", "EXECUTE", "RUNSCRIPT", "DO");

  private static boolean mayChangeSchema(List<List<SqlToken>> statements) {
    for (List<SqlToken> statement : statements) {
      SqlToken first = statement.isEmpty() ? null : statement.get(0);
      if (first != null && first.type == SqlToken.Type.WORD && SCHEMA_VERBS.contains(first.text)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether some statement is CREATE … TABLE … AS followed by a query, outside any parentheses,
   * and not … WITH NO DATA; or ALTER TABLE … ADD of a column whose DEFAULT is not a literal, which
   * H2 computes for every existing row (NOW(), RAND(), RANDOM_UUID(), a sequence).
   */
  private static boolean copiesRows(List<List<SqlToken>> statements) {
    for (List<SqlToken> statement : statements) {
      if (addsColumnFilledPerRow(statement)) {
        return true;
      }
      int n = statement.size();
      if (n == 0 || !statement.get(0).isWord("CREATE")
          || n > 3 && statement.get(n - 3).isWord("WITH") && statement.get(n - 2).isWord("NO")
              && statement.get(n - 1).isWord("DATA")) {
        continue;
      }
      boolean table = false;
      int depth = 0;
      for (int i = 1; i < statement.size(); i++) {
        SqlToken t = statement.get(i);
        if (t.isSymbol('(')) {
          depth++;
        } else if (t.isSymbol(')')) {
          depth--;
        } else if (depth == 0 && t.isWord("TABLE")) {
          table = true;
        } else if (table && depth == 0 && t.isWord("AS") && i + 1 < statement.size()) {
          SqlToken next = statement.get(i + 1);
          if (next.isSymbol('(') || next.isWord("SELECT") || next.isWord("WITH") || next.isWord("VALUES")
              || next.isWord("TABLE")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Words that may follow a column's DEFAULT literal in H2's column definition. */
  private static final Set<String> AFTER_DEFAULT = Set.of("NOT", "NULL", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES",
      "CONSTRAINT", "ON", "COMMENT", "SELECTIVITY", "INVISIBLE", "VISIBLE", "BEFORE", "AFTER", "FIRST");
  /** Words that are literals by themselves, or typed literals followed by a string. */
  private static final Set<String> LITERAL_WORDS = Set.of("NULL", "TRUE", "FALSE", "UNKNOWN");
  private static final Set<String> TYPED_LITERALS = Set.of("DATE", "TIME", "TIMESTAMP", "INTERVAL", "UUID", "JSON");

  /** ALTER TABLE … ADD … with some DEFAULT other than a literal (H2 fills the existing rows with it). */
  private static boolean addsColumnFilledPerRow(List<SqlToken> statement) {
    if (statement.size() < 4 || !statement.get(0).isWord("ALTER") || !statement.get(1).isWord("TABLE")) {
      return false;
    }
    boolean adding = false;
    for (int i = 2; i < statement.size(); i++) {
      SqlToken t = statement.get(i);
      if (t.isWord("ADD")) {
        adding = true;
      } else if (adding && t.isWord("DEFAULT") && !literalDefault(statement, i + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the tokens from {@code at} are a literal, ended by the statement, a comma, a parenthesis or a clause. */
  private static boolean literalDefault(List<SqlToken> statement, int at) {
    int i = at;
    if (i < statement.size() && (statement.get(i).isSymbol('-') || statement.get(i).isSymbol('+'))) {
      i++;
    }
    if (i >= statement.size()) {
      return false;
    }
    SqlToken value = statement.get(i);
    if (value.type == SqlToken.Type.WORD && TYPED_LITERALS.contains(value.text) && i + 1 < statement.size()
        && statement.get(i + 1).type == SqlToken.Type.STRING) {
      i++;
    } else if (!(value.type == SqlToken.Type.NUMBER || value.type == SqlToken.Type.STRING
        || value.type == SqlToken.Type.WORD && LITERAL_WORDS.contains(value.text))) {
      return false;
    }
    if (++i >= statement.size()) {
      return true;
    }
    SqlToken next = statement.get(i);
    return next.isSymbol(',') || next.isSymbol(')') || next.type == SqlToken.Type.WORD && AFTER_DEFAULT.contains(next.text);
  }

  /** A statement no grammar accepts: kind by its first word, tables by a token scan. */
  private static StatementAnalysis unparsed(StatementAnalysis.Builder b, List<SqlToken> tokens) {
    SqlToken first = tokens.get(0);
    String verb = first.type == SqlToken.Type.WORD ? first.text : "";
    if (verb.equals("SET") || verb.equals("RESET")) {
      b.kind = StatementKind.SESSION_SETTING;
      b.readTables = TableTokenScan.of(tokens).reads();
      return b.build();
    }
    if (TableTokenScan.DDL_VERBS.contains(verb)) {
      TableTokenScan scan = TableTokenScan.of(tokens);
      b.kind = StatementKind.DDL;
      b.writtenTables = scan.writes();
      b.readTables = new LinkedHashSet<>(scan.reads());
      b.readTables.removeAll(scan.writes());
      b.mayTouchAnything = true;
      return b.build();
    }
    return scanned(b, tokens, StatementKind.OTHER);
  }

  /** Kind from the caller, tables from a token scan, all of them counted as written. */
  private static StatementAnalysis scanned(StatementAnalysis.Builder b, List<SqlToken> tokens,
      StatementKind kind) {
    TableTokenScan scan = TableTokenScan.of(tokens);
    b.kind = kind;
    b.readTables = scan.reads();
    b.writtenTables = new LinkedHashSet<>(scan.writes());
    b.writtenTables.addAll(scan.reads());
    b.mayTouchAnything = true;
    return b.build();
  }
}
