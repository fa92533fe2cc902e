package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static dev.lattice.sql.parser.Parsing.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.statement.SqlSelectForUpdate;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ordinary SQL still parses to Calcite's own nodes; the new words still name things. */
class OrdinarySqlTest {

  @Test
  void newKeywordsAreStillIdentifiers() {
    SqlSelect select = parse(
        "select consistency, token, replicas, delay, level from consistency", SqlSelect.class);
    assertEquals("[CONSISTENCY, TOKEN, REPLICAS, DELAY, LEVEL]",
        select.getSelectList().getList().stream()
            .map(n -> ((SqlIdentifier) n).getSimple()).toList().toString());
    assertEquals("CONSISTENCY", ((SqlIdentifier) select.getFrom()).getSimple());
    roundTrip(select);

    parse("select stats, locks, fallback, timeout, replica, pause, resume, comment, index, "
        + "nowait, locked, \"if\" from replicas where stats = ? and if = 1", SqlSelect.class);
    parse("insert into stats (locks, fallback, delay) values (?, ?, ?)", SqlInsert.class);
    parse("update locks set token = ? where replica = ?", SqlUpdate.class);
    parse("delete from replicas where pause = 1", SqlDelete.class);
    parse("select s.level from stats s join locks l on s.token = l.token", SqlSelect.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT a.x, b.y FROM a JOIN b ON a.id = b.id LEFT JOIN c ON c.id = b.c WHERE a.z > ?",
      "SELECT * FROM t WHERE id IN (SELECT t_id FROM u WHERE u.v = ?)",
      "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)",
      "SELECT count(*), max(v) FROM t GROUP BY k HAVING count(*) > 1",
      "SELECT * FROM t WHERE name LIKE ? ORDER BY id DESC",
      "SELECT id FROM t UNION ALL SELECT id FROM u",
      "WITH w AS (SELECT * FROM t) SELECT * FROM w",
      "SELECT CASE WHEN a > 0 THEN 'p' ELSE 'n' END FROM t",
      "VALUES (1, 'a'), (2, 'b')",
  })
  void queriesStayCalcites(String sql) {
    SqlNode node = parse(sql);
    assertFalse(node instanceof SqlSelectForUpdate);
    assertTrue(node.isA(SqlKind.QUERY), () -> node.getKind().toString());
    roundTrip(node);
  }

  @Test
  void limitOffsetAndFetch() {
    SqlOrderBy limit = parse("SELECT * FROM t LIMIT ? OFFSET ?", SqlOrderBy.class);
    assertEquals(SqlKind.DYNAMIC_PARAM, limit.fetch.getKind());
    assertEquals(SqlKind.DYNAMIC_PARAM, limit.offset.getKind());
    SqlOrderBy fetch =
        parse("SELECT * FROM t OFFSET ? ROWS FETCH FIRST ? ROWS ONLY", SqlOrderBy.class);
    assertEquals(SqlKind.DYNAMIC_PARAM, fetch.fetch.getKind());
    // (unparse writes OFFSET before FETCH, which renumbers the two ?s; compare with literals)
    roundTrip(parse("SELECT * FROM t LIMIT 10 OFFSET 20", SqlOrderBy.class));
    roundTrip(fetch);
    parse("SELECT * FROM t ORDER BY id LIMIT 10", SqlOrderBy.class);
  }

  @Test
  void dml() {
    SqlInsert insert = parse("INSERT INTO t (id, v) VALUES (?, ?)", SqlInsert.class);
    assertEquals("T", ((SqlIdentifier) insert.getTargetTable()).getSimple());
    SqlUpdate update = parse("UPDATE t SET v = ? WHERE id = ?", SqlUpdate.class);
    assertEquals(SqlKind.EQUALS, update.getCondition().getKind());
    SqlDelete delete = parse("DELETE FROM t WHERE id = ?", SqlDelete.class);
    assertEquals(SqlKind.EQUALS, delete.getCondition().getKind());
    roundTrip(insert);
    roundTrip(update);
    roundTrip(delete);
  }

  @Test
  void forUpdateWrapsTheQuery() {
    SqlSelectForUpdate node =
        parse("SELECT * FROM t WHERE id = ? FOR UPDATE", SqlSelectForUpdate.class);
    SqlSelect query = assertInstanceOf(SqlSelect.class, node.getQuery());
    assertEquals("T", ((SqlIdentifier) query.getFrom()).getSimple());
    assertEquals(SqlSelectForUpdate.WaitPolicy.WAIT, node.getWaitPolicy());
    roundTrip(node);

    assertEquals(SqlSelectForUpdate.WaitPolicy.NOWAIT,
        parse("select * from t for update nowait", SqlSelectForUpdate.class).getWaitPolicy());
    SqlSelectForUpdate skip = parse(
        "select * from t order by id limit 1 for\n  update skip locked", SqlSelectForUpdate.class);
    assertEquals(SqlSelectForUpdate.WaitPolicy.SKIP_LOCKED, skip.getWaitPolicy());
    assertInstanceOf(SqlOrderBy.class, skip.getQuery());
    roundTrip(skip);
    assertInstanceOf(SqlWith.class, parse(
        "with w as (select * from t) select * from w for update", SqlSelectForUpdate.class)
        .getQuery());
    assertInstanceOf(SqlSelect.class,
        parse("select * from t x for /* lock */ update", SqlSelectForUpdate.class).getQuery());
  }

  @Test
  void forSystemTimeAndExplainPlanForUpdateAreUntouched() {
    SqlSelect temporal = parse(
        "select * from t for system_time as of timestamp '2020-01-01 00:00:00'", SqlSelect.class);
    assertInstanceOf(SqlSnapshot.class, temporal.getFrom());
    SqlExplain explain = parse("explain plan for update t set a = 1", SqlExplain.class);
    assertInstanceOf(SqlUpdate.class, explain.getExplicandum());
  }

  @Test
  void forUpdateInsideASubqueryIsNotParsed() {
    Parsing.ordinaryError("select * from t where id in (select id from u for update)");
    Parsing.ordinaryError("update t set a = 1 for update");
  }

}
