package dev.lattice.sql.statement;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The operator of a Lattice statement. It rebuilds the statement's own {@link SqlCall} class
 * from operands, so a {@code SqlShuttle} or {@code clone} keeps the class and its unparse.
 */
final class LatticeOperator extends SqlSpecialOperator {
  /** Builds a call from the operands of {@link SqlCall#getOperandList()}, in that order. */
  interface Factory {
    SqlCall create(SqlParserPos pos, List<SqlNode> operands);
  }

  private final Factory factory;

  LatticeOperator(String name, SqlKind kind, Factory factory) {
    super(name, kind);
    this.factory = factory;
  }

  @Override
  public SqlCall createCall(
      SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
    return factory.create(pos, Arrays.asList(operands));
  }
}
