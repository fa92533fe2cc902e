package dev.lattice.sql.statement;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code SAVEPOINT <name>}. */
public final class SqlSavepoint extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SAVEPOINT", SqlKind.OTHER,
          (pos, operands) -> new SqlSavepoint(pos, Operands.identifier(operands.get(0))));

  private final SqlIdentifier name;

  public SqlSavepoint(SqlParserPos pos, SqlIdentifier name) {
    super(pos);
    this.name = Objects.requireNonNull(name, "name");
  }

  public SqlIdentifier getName() {
    return name;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SAVEPOINT");
    name.unparse(writer, leftPrec, rightPrec);
  }
}
