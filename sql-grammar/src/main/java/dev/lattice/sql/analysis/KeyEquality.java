package dev.lattice.sql.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * One column restricted by a WHERE conjunct to a list of values: {@code col = v},
 * {@code v = col}, {@code col IN (v, …)}, {@code (a, b) = (v, w)} and
 * {@code (a, b) IN ((v, w), …)}. Anything else (OR, NOT, ranges, SQL NULL, expressions)
 * restricts nothing.
 */
record KeyEquality(SqlIdentifier column, List<KeyValue> values) {

  static List<KeyEquality> of(SqlNode conjunct, IntUnaryOperator parameterNumber) {
    if (!(conjunct instanceof SqlCall call) || call.operandCount() != 2) {
      return List.of();
    }
    SqlNode left = call.operand(0);
    SqlNode right = call.operand(1);
    if (call.getKind() == SqlKind.EQUALS) {
      if (!isColumn(left) && !isRow(left)) {
        SqlNode swap = left;
        left = right;
        right = swap;
      }
      return in(left, List.of(right), parameterNumber);
    }
    if (call.getKind() == SqlKind.IN && right instanceof SqlNodeList list) {
      return in(left, list.getList(), parameterNumber);
    }
    return List.of();
  }

  /** {@code left IN (rows)}: a column against values, or a row of columns against rows. */
  private static List<KeyEquality> in(SqlNode left, List<SqlNode> rows,
      IntUnaryOperator parameterNumber) {
    List<SqlNode> columns = isRow(left) ? ((SqlCall) left).getOperandList() : List.of(left);
    List<KeyEquality> out = new ArrayList<>(columns.size());
    for (int c = 0; c < columns.size(); c++) {
      if (!isColumn(columns.get(c))) {
        continue;
      }
      List<KeyValue> values = new ArrayList<>(rows.size());
      for (SqlNode row : rows) {
        SqlNode cell = cell(row, c, columns.size());
        KeyValue v = cell == null ? null : KeyValues.of(cell, parameterNumber);
        if (v == null || (!v.isParameter() && ((KeyValue.Literal) v).value() == null)) {
          values = null;
          break;
        }
        values.add(v);
      }
      if (values != null && !values.isEmpty()) {
        out.add(new KeyEquality((SqlIdentifier) columns.get(c), values));
      }
    }
    return out;
  }

  private static SqlNode cell(SqlNode row, int c, int width) {
    if (width == 1) {
      return isRow(row) ? null : row;
    }
    if (!isRow(row) || ((SqlCall) row).operandCount() != width) {
      return null;
    }
    return ((SqlCall) row).operand(c);
  }

  private static boolean isColumn(SqlNode node) {
    return node instanceof SqlIdentifier id && !id.isStar();
  }

  private static boolean isRow(SqlNode node) {
    return node.getKind() == SqlKind.ROW;
  }
}
