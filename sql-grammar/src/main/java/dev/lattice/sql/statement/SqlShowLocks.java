package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code SHOW LOCKS}: a row per held or awaited lock. */
public final class SqlShowLocks extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SHOW LOCKS", SqlKind.OTHER, (pos, operands) -> new SqlShowLocks(pos));

  public SqlShowLocks(SqlParserPos pos) {
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
    writer.keyword("LOCKS");
  }
}
