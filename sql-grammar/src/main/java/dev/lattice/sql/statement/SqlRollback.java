package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code ROLLBACK [WORK | TRANSACTION] [TO [SAVEPOINT] <name>]}. */
public final class SqlRollback extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("ROLLBACK", SqlKind.ROLLBACK,
          (pos, operands) -> new SqlRollback(pos, Operands.identifier(operands.get(0))));

  private final SqlIdentifier savepoint;

  public SqlRollback(SqlParserPos pos, SqlIdentifier savepoint) {
    super(pos);
    this.savepoint = savepoint;
  }

  /** The savepoint of {@code ROLLBACK TO SAVEPOINT}, or null for a whole-transaction rollback. */
  public SqlIdentifier getSavepoint() {
    return savepoint;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(savepoint);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ROLLBACK");
    if (savepoint != null) {
      writer.keyword("TO");
      writer.keyword("SAVEPOINT");
      savepoint.unparse(writer, leftPrec, rightPrec);
    }
  }
}
