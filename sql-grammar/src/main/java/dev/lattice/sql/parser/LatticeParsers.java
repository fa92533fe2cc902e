package dev.lattice.sql.parser;

import dev.lattice.sql.parser.impl.LatticeSqlParserImpl;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.dialect.H2SqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/** The parser configuration of Lattice (H2's lexical rules plus Lattice's statements). */
public final class LatticeParsers {
  /**
   * Calcite's default config with the Lattice parser: double-quoted identifiers, unquoted names
   * upper-cased and quoted ones kept (H2's rule), case-sensitive, LENIENT conformance (LIMIT,
   * OFFSET, {@code !=}, ...).
   */
  public static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(LatticeSqlParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.TO_UPPER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(true)
      .withConformance(SqlConformanceEnum.LENIENT)
      .withIdentifierMaxLength(65_536);

  private LatticeParsers() {}

  /** A parser for one use over {@code sql}. */
  public static SqlParser create(String sql) {
    return SqlParser.create(sql, CONFIG);
  }

  /**
   * Parses one statement. A malformed Lattice statement fails with a {@link SqlParseException}
   * whose {@link LatticeSyntaxException#latticeCause cause} is a {@link LatticeSyntaxException}.
   */
  public static SqlNode parse(String sql) throws SqlParseException {
    return create(withoutTrailingSemicolons(sql)).parseStmt();
  }

  /** Parses statements separated by semicolons. */
  public static SqlNodeList parseList(String sql) throws SqlParseException {
    return create(sql).parseStmtList();
  }

  /**
   * {@code sql} without the semicolons (and blanks) it ends with, which H2 accepts after a single
   * statement. A final semicolon can only be inside an unterminated literal or a comment, where
   * dropping it changes nothing; positions in error messages stay the same.
   */
  static String withoutTrailingSemicolons(String sql) {
    int end = sql.length();
    while (end > 0 && (sql.charAt(end - 1) == ';' || Character.isWhitespace(sql.charAt(end - 1)))) {
      end--;
    }
    return end == sql.length() ? sql : sql.substring(0, end);
  }

  /** The SQL text of a node as H2 reads it (double-quoted identifiers), on one line. */
  public static String toSql(SqlNode node) {
    return node.toSqlString(c -> c.withDialect(H2SqlDialect.DEFAULT)
        .withAlwaysUseParentheses(false)
        .withClauseStartsLine(false)
        .withClauseEndsLine(false)
        .withSelectListItemsOnSeparateLines(false)
        .withUpdateSetListNewline(false)
        .withIndentation(0))
        .getSql();
  }
}
