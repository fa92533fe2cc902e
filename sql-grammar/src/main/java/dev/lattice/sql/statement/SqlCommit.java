package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code COMMIT [WORK | TRANSACTION]}: Calcite's stock grammar has the keyword but no statement. */
public final class SqlCommit extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("COMMIT", SqlKind.COMMIT, (pos, operands) -> new SqlCommit(pos));

  public SqlCommit(SqlParserPos pos) {
    super(pos);
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of();
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("COMMIT");
  }
}
