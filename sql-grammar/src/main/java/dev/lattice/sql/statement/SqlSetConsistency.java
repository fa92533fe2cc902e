package dev.lattice.sql.statement;

import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code SET CONSISTENCY <level>}, also written {@code SET consistency = '<level>'} or {@code TO}. */
public final class SqlSetConsistency extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("SET CONSISTENCY", SqlKind.OTHER,
          (pos, operands) -> new SqlSetConsistency(pos,
              ConsistencySpec.parse(Operands.string(operands.get(0)))));

  private final ConsistencySpec spec;

  public SqlSetConsistency(SqlParserPos pos, ConsistencySpec spec) {
    super(pos);
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  public ConsistencySpec getSpec() {
    return spec;
  }

  public ConsistencyLevel getLevel() {
    return spec.getLevel();
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Operands.string(spec.toString(), pos));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SET");
    writer.keyword("CONSISTENCY");
    writer.keyword(spec.getLevel().name());
    if (spec.getUnit() != null) {
      writer.literal(Long.toString(spec.getBound()));
      writer.keyword(spec.getUnit().name());
    }
    if (spec.getWriteQuorum() > 0) {
      writer.keyword("WRITE");
      writer.literal(Integer.toString(spec.getWriteQuorum()));
    }
    if (spec.getReadQuorum() > 0) {
      writer.keyword("READ");
      writer.literal(Integer.toString(spec.getReadQuorum()));
    }
  }
}
