package dev.lattice.sql.statement;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Conversions between statement fields and the literal operands and SQL text that carry them. */
final class Operands {
  private Operands() {}

  static SqlLiteral string(String value, SqlParserPos pos) {
    return value == null ? null : SqlLiteral.createCharString(value, pos);
  }

  static String string(SqlNode node) {
    return node == null ? null : ((SqlLiteral) node).getValueAs(String.class);
  }

  static SqlLiteral number(long value, SqlParserPos pos) {
    return SqlLiteral.createExactNumeric(Long.toString(value), pos);
  }

  static long number(SqlNode node) {
    return ((SqlLiteral) node).longValue(true);
  }

  static SqlLiteral symbol(Enum<?> value, SqlParserPos pos) {
    return value == null ? null : SqlLiteral.createSymbol(value, pos);
  }

  static <E extends Enum<E>> E symbol(SqlNode node, Class<E> type) {
    return node == null ? null : ((SqlLiteral) node).symbolValue(type);
  }

  static SqlLiteral bool(Boolean value, SqlParserPos pos) {
    return value == null ? null : SqlLiteral.createBoolean(value, pos);
  }

  static Boolean bool(SqlNode node) {
    return node == null ? null : ((SqlLiteral) node).booleanValue();
  }

  static SqlIdentifier identifier(SqlNode node) {
    return (SqlIdentifier) node;
  }

  /** Writes {@code text} as a SQL string literal, doubling quotes. */
  static void writeString(SqlWriter writer, String text) {
    writer.literal("'" + text.replace("'", "''") + "'");
  }

  /** Writes each space-separated word of {@code words} as a keyword. */
  static void writeKeywords(SqlWriter writer, String words) {
    for (String word : words.split(" ")) {
      writer.keyword(word);
    }
  }
}
