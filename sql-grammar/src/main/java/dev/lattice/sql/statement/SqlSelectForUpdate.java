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

/**
 * {@code <query> FOR UPDATE [NOWAIT | SKIP LOCKED]}: a query (Calcite's own SqlSelect or
 * SqlOrderBy node) whose rows are locked for writing, so it always runs on the primary.
 */
public final class SqlSelectForUpdate extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("FOR UPDATE", SqlKind.OTHER,
          (pos, operands) -> new SqlSelectForUpdate(pos, operands.get(0),
              Operands.symbol(operands.get(1), WaitPolicy.class)));

  /** What the query does when a row is locked by another transaction. */
  public enum WaitPolicy {
    /** Wait for the lock (the default). */
    WAIT,
    /** {@code NOWAIT}: fail at once. */
    NOWAIT,
    /** {@code SKIP LOCKED}: leave the locked rows out. */
    SKIP_LOCKED
  }

  private final SqlNode query;
  private final WaitPolicy waitPolicy;

  public SqlSelectForUpdate(SqlParserPos pos, SqlNode query, WaitPolicy waitPolicy) {
    super(pos);
    this.query = Objects.requireNonNull(query, "query");
    this.waitPolicy = Objects.requireNonNull(waitPolicy, "waitPolicy");
  }

  /** The query as Calcite parses it without the locking clause. */
  public SqlNode getQuery() {
    return query;
  }

  public WaitPolicy getWaitPolicy() {
    return waitPolicy;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(query, Operands.symbol(waitPolicy, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    query.unparse(writer, 0, 0);
    writer.keyword("FOR");
    writer.keyword("UPDATE");
    switch (waitPolicy) {
      case NOWAIT:
        writer.keyword("NOWAIT");
        break;
      case SKIP_LOCKED:
        writer.keyword("SKIP");
        writer.keyword("LOCKED");
        break;
      default:
        break;
    }
  }
}
