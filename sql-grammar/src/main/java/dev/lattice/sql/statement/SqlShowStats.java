package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code SHOW STATS}: counters per consistency level. */
public final class SqlShowStats extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SHOW STATS", SqlKind.OTHER, (pos, operands) -> new SqlShowStats(pos));

  public SqlShowStats(SqlParserPos pos) {
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
    writer.keyword("STATS");
  }
}
