package dev.lattice.sql.statement;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code SET CONSISTENCY TOKEN '<token>'}: adopt another session's causal token. */
public final class SqlSetConsistencyToken extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SET CONSISTENCY TOKEN", SqlKind.OTHER,
          (pos, operands) -> new SqlSetConsistencyToken(pos, Operands.string(operands.get(0))));

  private final String token;

  public SqlSetConsistencyToken(SqlParserPos pos, String token) {
    super(pos);
    this.token = Objects.requireNonNull(token, "token");
  }

  /** The token text as written between the quotes (quotes undoubled), not yet validated. */
  public String getToken() {
    return token;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Operands.string(token, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    Operands.writeKeywords(writer, "SET CONSISTENCY TOKEN");
    Operands.writeString(writer, token);
  }
}
