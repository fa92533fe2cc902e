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

/** {@code ALTER REPLICA <name> SET DELAY <ms> | PAUSE | RESUME}: inject apply lag, stop or restart. */
public final class SqlAlterReplica extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("ALTER REPLICA", SqlKind.OTHER,
          (pos, operands) -> new SqlAlterReplica(pos,
              Operands.identifier(operands.get(0)),
              Operands.symbol(operands.get(1), Action.class),
              Operands.number(operands.get(2))));

  /** What the statement does to the replica. */
  public enum Action {
    SET_DELAY,
    PAUSE,
    RESUME
  }

  private final SqlIdentifier name;
  private final Action action;
  private final long delayMs;

  /** {@code delayMs} is the delay of {@link Action#SET_DELAY} and must be 0 for the others. */
  public SqlAlterReplica(SqlParserPos pos, SqlIdentifier name, Action action, long delayMs) {
    super(pos);
    this.name = Objects.requireNonNull(name, "name");
    this.action = Objects.requireNonNull(action, "action");
    if (delayMs < 0) {
      throw new IllegalArgumentException("The replica delay must not be negative: " + delayMs);
    }
    if (action != Action.SET_DELAY && delayMs != 0) {
      throw new IllegalArgumentException(action + " takes no delay");
    }
    this.delayMs = delayMs;
  }

  public SqlIdentifier getName() {
    return name;
  }

  /**
   * The replica's name as parsed: an unquoted name is upper-cased (H2's rule), so a lookup of
   * configured names should ignore case unless the name was quoted.
   */
  public String getReplicaName() {
    return name.isSimple() ? name.getSimple() : name.toString();
  }

  public Action getAction() {
    return action;
  }

  /** The injected apply delay for {@link Action#SET_DELAY} (0 removes it); 0 otherwise. */
  public long getDelayMs() {
    return delayMs;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(
        name, Operands.symbol(action, pos), Operands.number(delayMs, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ALTER");
    writer.keyword("REPLICA");
    name.unparse(writer, leftPrec, rightPrec);
    switch (action) {
      case SET_DELAY:
        writer.keyword("SET");
        writer.keyword("DELAY");
        writer.literal(Long.toString(delayMs));
        break;
      default:
        writer.keyword(action.name());
    }
  }
}
