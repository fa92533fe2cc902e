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
 * {@code SET TRANSACTION <modes>} (the next transaction) or {@code SET SESSION CHARACTERISTICS AS
 * TRANSACTION <modes>} (the session, as pgjdbc's and H2's setTransactionIsolation send it).
 */
public final class SqlSetTransaction extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SET TRANSACTION", SqlKind.OTHER,
          (pos, operands) -> new SqlSetTransaction(pos,
              Operands.bool(operands.get(0)),
              Operands.symbol(operands.get(1), IsolationLevel.class),
              Operands.bool(operands.get(2))));

  private final Boolean readOnly;
  private final IsolationLevel isolation;
  private final boolean session;

  public SqlSetTransaction(
      SqlParserPos pos, Boolean readOnly, IsolationLevel isolation, boolean session) {
    super(pos);
    if (readOnly == null && isolation == null) {
      throw new IllegalArgumentException("SET TRANSACTION needs an access mode or isolation level");
    }
    this.readOnly = readOnly;
    this.isolation = isolation;
    this.session = session;
  }

  /** True for {@code READ ONLY}, false for {@code READ WRITE}, null if not given. */
  public Boolean getReadOnly() {
    return readOnly;
  }

  /** The isolation level given, or null. */
  public IsolationLevel getIsolation() {
    return isolation;
  }

  /** True for {@code SET SESSION CHARACTERISTICS AS TRANSACTION}, false for the next transaction. */
  public boolean isSession() {
    return session;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(
        Operands.bool(readOnly, pos), Operands.symbol(isolation, pos), Operands.bool(session, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SET");
    if (session) {
      Operands.writeKeywords(writer, "SESSION CHARACTERISTICS AS");
    }
    writer.keyword("TRANSACTION");
    TransactionModes.write(writer, readOnly, isolation);
  }
}
