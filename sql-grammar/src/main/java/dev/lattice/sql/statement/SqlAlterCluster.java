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

/** {@code ALTER CLUSTER PROMOTE <replica> [FORCE]}: make that replica the primary of an H2 cluster (SPEC §8). */
public final class SqlAlterCluster extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("ALTER CLUSTER", SqlKind.OTHER,
          (pos, operands) -> new SqlAlterCluster(pos,
              Operands.identifier(operands.get(0)),
              Boolean.TRUE.equals(Operands.bool(operands.get(1)))));

  private final SqlIdentifier replica;
  private final boolean force;

  public SqlAlterCluster(SqlParserPos pos, SqlIdentifier replica, boolean force) {
    super(pos);
    this.replica = Objects.requireNonNull(replica, "replica");
    this.force = force;
  }

  public SqlIdentifier getReplica() {
    return replica;
  }

  /** The replica's name as parsed (an unquoted name is upper-cased): look it up ignoring case. */
  public String getReplicaName() {
    return replica.isSimple() ? replica.getSimple() : replica.toString();
  }

  /** Whether to promote even a replica that lacks acknowledged transactions. */
  public boolean isForce() {
    return force;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(replica, Operands.bool(force, pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ALTER");
    writer.keyword("CLUSTER");
    writer.keyword("PROMOTE");
    replica.unparse(writer, leftPrec, rightPrec);
    if (force) {
      writer.keyword("FORCE");
    }
  }
}
