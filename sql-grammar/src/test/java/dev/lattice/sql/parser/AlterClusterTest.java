package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static dev.lattice.sql.parser.Parsing.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.analysis.StatementAnalyzer;
import dev.lattice.sql.analysis.StatementKind;
import dev.lattice.sql.statement.SqlAlterCluster;
import org.junit.jupiter.api.Test;

/** ALTER CLUSTER PROMOTE replica [FORCE] (SPEC §3, §8). */
class AlterClusterTest {

  @Test
  void promoteNamesTheReplica() {
    SqlAlterCluster node = parse("ALTER CLUSTER PROMOTE replica2", SqlAlterCluster.class);
    assertEquals("REPLICA2", node.getReplicaName());
    assertFalse(node.isForce());
    SqlAlterCluster again = roundTrip(node);
    assertEquals("REPLICA2", again.getReplicaName());
    assertEquals("ALTER CLUSTER PROMOTE \"REPLICA2\"", LatticeParsers.toSql(node));
  }

  @Test
  void forceIsAWordAfterTheName() {
    SqlAlterCluster node = parse("alter cluster promote r1 force;", SqlAlterCluster.class);
    assertTrue(node.isForce());
    assertTrue(roundTrip(node).isForce());
    assertEquals("ALTER CLUSTER PROMOTE \"R1\" FORCE", LatticeParsers.toSql(node));
  }

  @Test
  void clusterAndPromoteStillNameColumns() {
    Parsing.parse("SELECT cluster, promote FROM t");
  }

  @Test
  void promoteIsAnAdminStatement() throws Exception {
    assertEquals(StatementKind.LATTICE_ADMIN,
        new StatementAnalyzer().analyze("ALTER CLUSTER PROMOTE replica1 FORCE").kind());
  }
}
