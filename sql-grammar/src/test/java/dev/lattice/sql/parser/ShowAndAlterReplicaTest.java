package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static dev.lattice.sql.parser.Parsing.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lattice.sql.statement.SqlAlterReplica;
import dev.lattice.sql.statement.SqlShowConsistency;
import dev.lattice.sql.statement.SqlShowLocks;
import dev.lattice.sql.statement.SqlShowReplicas;
import dev.lattice.sql.statement.SqlShowStats;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;
import org.junit.jupiter.api.Test;

/** SHOW CONSISTENCY | REPLICAS | STATS | LOCKS and ALTER REPLICA. */
class ShowAndAlterReplicaTest {

  @Test
  void eachShowStatementHasItsOwnNode() {
    assertShow("SHOW CONSISTENCY", SqlShowConsistency.class);
    assertShow("show consistency", SqlShowConsistency.class);
    assertShow("SHOW REPLICAS", SqlShowReplicas.class);
    assertShow("Show Replicas", SqlShowReplicas.class);
    assertShow("SHOW STATS", SqlShowStats.class);
    assertShow("show stats", SqlShowStats.class);
    assertShow("SHOW LOCKS", SqlShowLocks.class);
    assertShow("show locks;", SqlShowLocks.class);
  }

  private static void assertShow(String sql, Class<? extends SqlNode> type) {
    SqlNode node = parse(sql, type);
    roundTrip(node);
    assertEquals(sql.replace(";", "").toUpperCase(java.util.Locale.ROOT),
        LatticeParsers.toSql(node));
  }

  @Test
  void showOfSomethingElseIsNotALatticeStatement() {
    // H2's SHOW TABLES: not Lattice's, so an ordinary failure the router sends on
    Parsing.ordinaryError("SHOW TABLES");
  }

  @Test
  void alterReplicaSetDelay() {
    SqlAlterReplica node = parse("ALTER REPLICA r1 SET DELAY 250", SqlAlterReplica.class);
    assertEquals("R1", node.getReplicaName());
    assertEquals(SqlAlterReplica.Action.SET_DELAY, node.getAction());
    assertEquals(250, node.getDelayMs());
    SqlAlterReplica again = roundTrip(node);
    assertEquals(250, again.getDelayMs());
    assertEquals("R1", again.getReplicaName());

    SqlAlterReplica zero = parse("alter replica r2 set delay 0", SqlAlterReplica.class);
    assertEquals(0, zero.getDelayMs());
    assertEquals(SqlAlterReplica.Action.SET_DELAY, zero.getAction());
  }

  @Test
  void alterReplicaPauseAndResume() {
    SqlAlterReplica pause = parse("ALTER REPLICA r1 PAUSE", SqlAlterReplica.class);
    assertEquals(SqlAlterReplica.Action.PAUSE, pause.getAction());
    assertEquals(SqlAlterReplica.Action.PAUSE, roundTrip(pause).getAction());
    SqlAlterReplica resume = parse("alter replica \"replica-b\" resume", SqlAlterReplica.class);
    assertEquals(SqlAlterReplica.Action.RESUME, resume.getAction());
    assertEquals("replica-b", resume.getReplicaName(), "a quoted name keeps its case");
    assertEquals("replica-b", roundTrip(resume).getReplicaName());
  }

  @Test
  void alterSessionAndSystemStayCalcites() {
    SqlNode session = parse("ALTER SESSION SET x = 1");
    assertInstanceOf(SqlSetOption.class, session);
    assertEquals("SESSION", ((SqlSetOption) session).getScope());
    SqlNode system = parse("alter system set \"y\" = 'on'");
    assertEquals("SYSTEM", assertInstanceOf(SqlSetOption.class, system).getScope());
  }

  @Test
  void setOfAnOrdinaryOptionStaysCalcites() {
    SqlSetOption option = parse("SET x = 1", SqlSetOption.class);
    assertEquals("X", option.getName().getSimple());
    parse("SET application_name = 'psql'", SqlSetOption.class);
    parse("RESET x", SqlSetOption.class);
  }
}
