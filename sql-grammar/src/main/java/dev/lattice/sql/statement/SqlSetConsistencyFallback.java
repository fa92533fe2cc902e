package dev.lattice.sql.statement;

import dev.lattice.sql.consistency.Fallback;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code SET CONSISTENCY FALLBACK {PRIMARY | ERROR}}: what a read does after the timeout. */
public final class SqlSetConsistencyFallback extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SET CONSISTENCY FALLBACK", SqlKind.OTHER,
          (pos, operands) -> new SqlSetConsistencyFallback(pos,
              Operands.symbol(operands.get(0), Fallback.class)));

  private final Fallback fallback;

  public SqlSetConsistencyFallback(SqlParserPos pos, Fallback fallback) {
    super(pos);
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  public Fallback getFallback() {
    return fallback;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Operands.symbol(fallback, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    Operands.writeKeywords(writer, "SET CONSISTENCY FALLBACK");
    writer.keyword(fallback.name());
  }
}
