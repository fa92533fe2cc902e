package dev.lattice.sql.statement;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code SET CONSISTENCY TIMEOUT <ms>}: how long a read may wait for a replica to catch up. */
public final class SqlSetConsistencyTimeout extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SET CONSISTENCY TIMEOUT", SqlKind.OTHER,
          (pos, operands) -> new SqlSetConsistencyTimeout(pos, Operands.number(operands.get(0))));

  private final long timeoutMs;

  public SqlSetConsistencyTimeout(SqlParserPos pos, long timeoutMs) {
    super(pos);
    if (timeoutMs < 0) {
      throw new IllegalArgumentException("The consistency timeout must not be negative: " + timeoutMs);
    }
    this.timeoutMs = timeoutMs;
  }

  public long getTimeoutMs() {
    return timeoutMs;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Operands.number(timeoutMs, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    Operands.writeKeywords(writer, "SET CONSISTENCY TIMEOUT");
    writer.literal(Long.toString(timeoutMs));
  }
}
