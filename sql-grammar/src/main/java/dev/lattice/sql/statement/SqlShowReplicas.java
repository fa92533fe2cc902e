package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code SHOW REPLICAS}: a row per node with its role, state, applied LSN, lag and injected delay. */
public final class SqlShowReplicas extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SHOW REPLICAS", SqlKind.OTHER, (pos, operands) -> new SqlShowReplicas(pos));

  public SqlShowReplicas(SqlParserPos pos) {
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
    writer.keyword("SHOW");
    writer.keyword("REPLICAS");
  }
}
