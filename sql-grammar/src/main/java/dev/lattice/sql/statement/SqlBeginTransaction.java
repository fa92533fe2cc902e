package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * {@code BEGIN [TRANSACTION | WORK] [modes]} or {@code START TRANSACTION [modes]}, where the
 * modes are {@code READ ONLY | READ WRITE} and {@code ISOLATION LEVEL <level>}.
 */
public final class SqlBeginTransaction extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("BEGIN", SqlKind.OTHER,
          (pos, operands) -> new SqlBeginTransaction(pos,
              Operands.bool(operands.get(0)),
              Operands.symbol(operands.get(1), IsolationLevel.class)));

  private final Boolean readOnly;
  private final IsolationLevel isolation;

  public SqlBeginTransaction(SqlParserPos pos, Boolean readOnly, IsolationLevel isolation) {
    super(pos);
    this.readOnly = readOnly;
    this.isolation = isolation;
  }

  /** True for {@code READ ONLY}, false for {@code READ WRITE}, null if not given. */
  public Boolean getReadOnly() {
    return readOnly;
  }

  /** The isolation level given, or null. */
  public IsolationLevel getIsolation() {
    return isolation;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(
        Operands.bool(readOnly, pos), Operands.symbol(isolation, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("BEGIN");
    writer.keyword("TRANSACTION");
    TransactionModes.write(writer, readOnly, isolation);
  }
}
