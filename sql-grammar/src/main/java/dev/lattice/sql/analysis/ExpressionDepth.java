package dev.lattice.sql.analysis;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Bounds how deep a statement's expressions nest, by one linear scan of its tokens, before any
 * recursive parser sees it: Calcite's parser, the analysis that walks its tree and H2's parser
 * and optimizer all recurse once per nesting level, and run out of stack (a
 * {@link StackOverflowError}) on a few hundred levels of parentheses or a few thousand chained
 * operators. A statement beyond the bounds is refused as PostgreSQL refuses it, with SQLState
 * 54001; one within them fits in the default 1 MB thread stack of the JVM with room to spare.
 *
 * <p>Nesting counts parentheses and brackets (a subquery, a function call, an array), CASE … END,
 * and runs of prefix operators ({@code NOT}, unary {@code -}, {@code +}, {@code ~}), each of
 * which nests its operand one level deeper. A chain of binary operators at one level ({@code 1 +
 * 1 + …}, {@code a || b || …}, {@code … UNION …}) is a left-deep tree as deep as the chain is
 * long. AND and OR chains are flat in H2: past {@link #MAX_PARSED_BOOLEAN_CHAIN} they are only
 * kept from Calcite, whose tree they would make as deep, and the statement is analyzed by its
 * tokens (routed conservatively); past {@link #MAX_BOOLEAN_CHAIN} they are refused, as H2's cost
 * grows faster than their length. Lists of more than {@link #MAX_PARSED_LIST_ITEMS} items are
 * kept from Calcite too.
 */
final class ExpressionDepth {
  /** Nesting levels allowed: H2 overflows a 1 MB stack at ~250 nested subqueries. */
  static final int MAX_DEPTH = 128;
  /** Binary operators chained at one level: H2 overflows a 1 MB stack at ~5,900 {@code +1}. */
  static final int MAX_OPERATOR_CHAIN = 1_000;
  /** AND/OR chained at one level that Calcite's tree walk still takes on a 1 MB stack. */
  static final int MAX_PARSED_BOOLEAN_CHAIN = 1_000;
  /**
   * AND/OR chained at one level at all: H2 takes time superlinear in the chain's length (4 s for
   * 140,000 ORs, 40 s for four times as many), so longer chains are refused (54001).
   */
  static final int MAX_BOOLEAN_CHAIN = 10_000;
  /**
   * Items of one parenthesized list (an IN list, a function's arguments) that Calcite parses in
   * time about linear in the list; longer lists are analyzed by their tokens instead.
   */
  static final int MAX_PARSED_LIST_ITEMS = 10_000;

  /** Words after which a {@code -} or {@code +} is a sign, not a binary operator. */
  private static final Set<String> SIGN_AFTER = Set.of("SELECT", "WHERE", "AND", "OR", "NOT",
      "THEN", "ELSE", "WHEN", "CASE", "VALUES", "ON", "HAVING", "BY", "SET", "IN", "IS", "AS",
      "RETURN", "LIMIT", "OFFSET", "BETWEEN", "LIKE", "DISTINCT", "ALL", "ANY", "SOME", "TO",
      "INTERVAL", "FETCH", "FIRST", "NEXT", "ROWS", "DEFAULT", "ARRAY", "ESCAPE");
  /** Words that start a new clause: an operator chain does not run across them. */
  private static final Set<String> CLAUSE = Set.of("SELECT", "FROM", "WHERE", "GROUP", "HAVING",
      "ORDER", "LIMIT", "OFFSET", "VALUES", "SET", "ON", "USING", "WHEN", "THEN", "ELSE", "END",
      "CASE", "RETURNING", "WINDOW", "FETCH", "INTO", "JOIN", "AND", "OR", "NOT", "AS", "BY");

  private ExpressionDepth() {
  }

  /**
   * Checks the tokens of a statement text (one statement or several).
   *
   * @return whether Calcite may parse it; false when an AND/OR chain is too long for Calcite's
   *     tree walk (the statement is then analyzed by its tokens)
   * @throws SQLException 54001 when the statement nests or chains deeper than the bounds
   */
  static boolean check(List<SqlToken> tokens) throws SQLException {
    int depth = 0;
    // Per open level: operator chain, boolean chain, set-operation chain, open CASEs, and how many
    // levels of prefix operators opened it (NOT (NOT (…)) nests twice per parenthesis).
    int[] chain = new int[MAX_DEPTH + 2];
    int[] booleans = new int[MAX_DEPTH + 2];
    int[] setOps = new int[MAX_DEPTH + 2];
    int[] carried = new int[MAX_DEPTH + 2];
    int[] items = new int[MAX_DEPTH + 2];
    int prefixRun = 0;
    boolean parseable = true;
    SqlToken previous = null;
    for (SqlToken t : tokens) {
      if (t.type == SqlToken.Type.SYMBOL) {
        char c = t.text.charAt(0);
        if (c == '(' || c == '[') {
          depth += 1 + prefixRun;
          if (depth > MAX_DEPTH) {
            throw tooDeep();
          }
          carried[depth] = prefixRun;
          items[depth] = 0;
          chain[depth] = 0;
          booleans[depth] = 0;
          setOps[depth] = 0;
          prefixRun = 0;
        } else if (c == ')' || c == ']') {
          while (depth > 0 && carried[depth] == -1) {
            depth--; // a CASE left open inside the parenthesis (H2 will say what is wrong)
          }
          if (depth > 0) {
            depth = Math.max(0, depth - 1 - carried[depth]);
          }
          prefixRun = 0;
        } else if (c == ',' || c == ';') {
          if (c == ',' && depth > 0 && ++items[depth] > MAX_PARSED_LIST_ITEMS) {
            parseable = false;
          }
          chain[depth] = 0;
          booleans[depth] = 0;
          prefixRun = 0;
          if (c == ';') {
            depth = 0;
            setOps[0] = 0;
            chain[0] = 0;
          }
        } else if (isOperator(c)) {
          if (previous != null && previous.end == t.start && previous.type == SqlToken.Type.SYMBOL
              && isOperator(previous.text.charAt(0))) {
            // the rest of a multi-character operator such as || or <=
          } else if ((c == '-' || c == '+' || c == '~') && isSignPosition(previous)) {
            prefixRun++;
            if (depth + prefixRun > MAX_DEPTH) {
              throw tooDeep();
            }
          } else if (++chain[depth] > MAX_OPERATOR_CHAIN) {
            throw tooLong();
          } else {
            prefixRun = 0;
          }
        } else {
          prefixRun = 0;
        }
      } else if (t.type == SqlToken.Type.WORD) {
        String w = t.text;
        if (w.equals("NOT")) {
          prefixRun++;
          if (depth + prefixRun > MAX_DEPTH) {
            throw tooDeep();
          }
        } else {
          prefixRun = 0;
        }
        if (w.equals("CASE")) {
          // CASE nests like a parenthesis; its END closes it (END of a transaction has no CASE open)
          depth++;
          if (depth > MAX_DEPTH) {
            throw tooDeep();
          }
          carried[depth] = -1;
          chain[depth] = 0;
          booleans[depth] = 0;
          setOps[depth] = 0;
        } else if (w.equals("END") && depth > 0 && carried[depth] == -1) {
          depth--;
        } else if (w.equals("AND") || w.equals("OR")) {
          if (++booleans[depth] > MAX_BOOLEAN_CHAIN) {
            throw new SQLException("stack depth limit exceeded: the statement chains more than "
                + MAX_BOOLEAN_CHAIN + " AND/OR in one expression", "54001");
          }
          if (booleans[depth] > MAX_PARSED_BOOLEAN_CHAIN) {
            parseable = false;
          }
        } else if (w.equals("UNION") || w.equals("INTERSECT") || w.equals("EXCEPT")) {
          if (++setOps[depth] > MAX_OPERATOR_CHAIN) {
            throw tooLong();
          }
        }
        if (CLAUSE.contains(w)) {
          chain[depth] = 0;
        }
      } else {
        prefixRun = 0;
      }
      previous = t;
    }
    return parseable;
  }

  private static boolean isOperator(char c) {
    return c == '+' || c == '-' || c == '*' || c == '/' || c == '%' || c == '^' || c == '|'
        || c == '&' || c == '<' || c == '>' || c == '=' || c == '!' || c == '~' || c == '#'
        || c == '@';
  }

  /** Whether a {@code -}, {@code +} or {@code ~} after this token is a sign (no left operand). */
  private static boolean isSignPosition(SqlToken previous) {
    if (previous == null) {
      return true;
    }
    if (previous.type == SqlToken.Type.SYMBOL) {
      char p = previous.text.charAt(0);
      return p != ')' && p != ']';
    }
    return previous.type == SqlToken.Type.WORD && SIGN_AFTER.contains(previous.text);
  }

  private static SQLException tooDeep() {
    return new SQLException("stack depth limit exceeded: the statement nests expressions deeper than "
        + MAX_DEPTH + " levels", "54001");
  }

  private static SQLException tooLong() {
    return new SQLException("stack depth limit exceeded: the statement chains more than "
        + MAX_OPERATOR_CHAIN + " operators in one expression", "54001");
  }
}
