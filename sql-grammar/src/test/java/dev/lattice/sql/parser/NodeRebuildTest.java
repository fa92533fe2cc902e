package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.statement.SqlLatticeDdl;
import dev.lattice.sql.statement.SqlSelectForUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;

/** Visitors, shuttles and clone keep each statement's class and fields. */
class NodeRebuildTest {

  @Test
  void cloneKeepsTheClassOfEveryStatement() {
    String[] statements = {
        "SET CONSISTENCY BOUNDED_STALENESS 5 SECONDS", "SET CONSISTENCY TIMEOUT 10",
        "SET CONSISTENCY FALLBACK ERROR", "SET CONSISTENCY TOKEN 'x:1'", "SHOW CONSISTENCY",
        "SHOW REPLICAS", "SHOW STATS", "SHOW LOCKS", "ALTER REPLICA r SET DELAY 5",
        "BEGIN READ ONLY", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "COMMIT",
        "ROLLBACK TO SAVEPOINT s", "SAVEPOINT s", "RELEASE SAVEPOINT s",
        "SELECT * FROM t FOR UPDATE NOWAIT", "CREATE UNIQUE INDEX i ON t (a)",
        "CREATE TABLE t AS SELECT * FROM u",
    };
    for (String sql : statements) {
      SqlNode node = parse(sql);
      SqlNode copy = node.clone(SqlParserPos.ZERO);
      assertEquals(node.getClass(), copy.getClass(), sql);
      assertTrue(node.equalsDeep(copy, Litmus.IGNORE), sql);
      assertEquals(LatticeParsers.toSql(node), LatticeParsers.toSql(copy), sql);
    }
  }

  @Test
  void aShuttleRewritingTheQueryKeepsForUpdate() {
    SqlNode node = parse("SELECT * FROM t WHERE id = ? FOR UPDATE SKIP LOCKED");
    SqlNode renamed = node.accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlIdentifier id) {
        return id.isSimple() && id.getSimple().equals("T")
            ? new SqlIdentifier("T2", id.getParserPosition()) : id;
      }
    });
    SqlSelectForUpdate rewritten = assertInstanceOf(SqlSelectForUpdate.class, renamed);
    assertEquals(SqlSelectForUpdate.WaitPolicy.SKIP_LOCKED, rewritten.getWaitPolicy());
    assertEquals("SELECT * FROM \"T2\" WHERE \"ID\" = ? FOR UPDATE SKIP LOCKED",
        LatticeParsers.toSql(rewritten));
  }

  @Test
  void aVisitorSeesTheTablesOfADdlQuery() {
    SqlLatticeDdl ddl = parse(
        "CREATE TABLE t AS SELECT * FROM a JOIN b ON a.id = b.id", SqlLatticeDdl.class);
    List<String> identifiers = new ArrayList<>();
    ddl.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlIdentifier id) {
        identifiers.add(id.toString());
        return null;
      }

      @Override
      public Void visit(SqlCall call) {
        return super.visit(call);
      }
    });
    assertTrue(identifiers.contains("T") && identifiers.contains("A")
        && identifiers.contains("B"), identifiers.toString());
  }
}
