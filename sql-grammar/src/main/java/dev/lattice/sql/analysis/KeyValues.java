package dev.lattice.sql.analysis;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.util.NlsString;

/** Turns a parsed literal or parameter into the {@link KeyValue} a key predicate holds. */
final class KeyValues {
  private KeyValues() {}

  /**
   * The value of {@code node}, or {@code null} when it is neither a literal nor a parameter
   * (an expression, DEFAULT, a literal of a type locking cannot compare).
   *
   * @param parameterNumber maps Calcite's 0-based marker index to the parameter's number
   */
  static KeyValue of(SqlNode node, IntUnaryOperator parameterNumber) {
    if (node instanceof SqlDynamicParam p) {
      return new KeyValue.Parameter(parameterNumber.applyAsInt(p.getIndex()));
    }
    if (node instanceof SqlLiteral literal) {
      return literal(literal, false);
    }
    if (node instanceof SqlCall call && call.operandCount() == 1) {
      SqlNode operand = call.operand(0);
      if (call.getKind() == SqlKind.MINUS_PREFIX && operand instanceof SqlNumericLiteral n) {
        return literal(n, true);
      }
      if (call.getKind() == SqlKind.PLUS_PREFIX && operand instanceof SqlNumericLiteral n) {
        return literal(n, false);
      }
    }
    if (node instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(0) instanceof SqlDynamicParam p) {
      return new KeyValue.Parameter(parameterNumber.applyAsInt(p.getIndex()));
    }
    return null;
  }

  private static KeyValue literal(SqlLiteral literal, boolean negate) {
    try {
      Object value = javaValue(literal, negate);
      return value == UNKNOWN ? null : new KeyValue.Literal(value);
    } catch (RuntimeException unusual) {
      return null;
    }
  }

  private static final Object UNKNOWN = new Object();

  private static Object javaValue(SqlLiteral literal, boolean negate) {
    if (literal instanceof SqlUnknownLiteral typed) {
      // DATE '…', TIME '…', TIMESTAMP '…': the parser leaves the text for validation to type.
      return typed(typed.tag, typed.getValue());
    }
    if (literal instanceof SqlNumericLiteral n) {
      if (!n.isExact()) {
        double d = n.getValueAs(Double.class);
        return negate ? -d : d;
      }
      BigDecimal value = n.getValueAs(BigDecimal.class);
      if (negate) {
        value = value.negate();
      }
      if (value.scale() <= 0) {
        try {
          return value.longValueExact();
        } catch (ArithmeticException tooBig) {
          return value;
        }
      }
      return value;
    }
    switch (literal.getTypeName()) {
      case NULL:
        return null;
      case BOOLEAN:
        return literal.booleanValue();
      case CHAR:
      case VARCHAR:
        return literal.getValueAs(NlsString.class).getValue();
      case DATE:
      case TIME:
      case TIMESTAMP:
        return typed(literal.getTypeName().name(), literal.toValue());
      default:
        return UNKNOWN;
    }
  }

  private static Object typed(String tag, String text) {
    switch (tag.toUpperCase(java.util.Locale.ROOT)) {
      case "DATE":
        return LocalDate.parse(text.trim());
      case "TIME":
        return LocalTime.parse(text.trim());
      case "TIMESTAMP":
        return LocalDateTime.parse(text.trim().replace(' ', 'T'));
      default:
        return UNKNOWN;
    }
  }
}
