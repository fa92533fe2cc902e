package dev.lattice.sql.parser;

import static dev.lattice.sql.parser.Parsing.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sql.statement.SqlLatticeDdl;
import dev.lattice.sql.statement.SqlLatticeDdl.ObjectType;
import dev.lattice.sql.statement.SqlLatticeDdl.Verb;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSelect;
import org.junit.jupiter.api.Test;

/** DDL is parsed far enough to name the objects it touches; the rest is kept as text. */
class DdlHeadTest {

  private static SqlLatticeDdl ddl(String sql) {
    SqlLatticeDdl node = parse(sql, SqlLatticeDdl.class);
    // Round trip: unparse prints the head plus the original tail text, so every field,
    // the tail included, must come back the same.
    Parsing.roundTrip(node);
    return node;
  }

  private static String names(SqlLatticeDdl node) {
    return node.getNames().stream().map(SqlIdentifier::toString).collect(Collectors.joining(","));
  }

  @Test
  void createTableWithH2ColumnTypes() {
    SqlLatticeDdl node = ddl("CREATE TABLE test (id IDENTITY PRIMARY KEY, "
        + "n BIGINT AUTO_INCREMENT, tags VARCHAR ARRAY, \"value\" INT DEFAULT 0, "
        + "ts TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)");
    assertEquals(Verb.CREATE, node.getVerb());
    assertEquals(ObjectType.TABLE, node.getObjectType());
    assertEquals(SqlKind.CREATE_TABLE, node.getKind());
    assertEquals("TEST", names(node));
    assertFalse(node.isIfNotExists());
    assertTrue(node.getTail().startsWith("(id IDENTITY PRIMARY KEY"), node.getTail());
    assertTrue(node.getTail().endsWith("DEFAULT CURRENT_TIMESTAMP)"), node.getTail());
  }

  @Test
  void createTableModifiersAndIfNotExists() {
    SqlLatticeDdl cached = ddl("CREATE CACHED TABLE IF NOT EXISTS s.t (id INT)");
    assertEquals(List.of("CACHED"), cached.getModifiers());
    assertTrue(cached.isIfNotExists());
    assertEquals("S.T", names(cached));
    assertEquals(List.of("MEMORY"), ddl("create memory table m (a int)").getModifiers());
    SqlLatticeDdl local = ddl("CREATE LOCAL TEMPORARY TABLE tmp (a INT) ON COMMIT DROP");
    assertEquals(List.of("LOCAL", "TEMPORARY"), local.getModifiers());
    assertTrue(local.isTemporary());
    assertEquals("ON COMMIT DROP", local.getTail().substring(local.getTail().length() - 14));
    assertTrue(ddl("CREATE GLOBAL TEMPORARY TABLE g (a INT)").isTemporary());
    assertEquals("IF", names(ddl("create table if (a int)")), "IF still names a table");
  }

  @Test
  void createTableAsSelectExposesItsQuery() {
    SqlLatticeDdl node = ddl("CREATE TABLE t2 AS SELECT a, b FROM t1 JOIN t3 ON t1.id = t3.id");
    assertEquals("T2", names(node));
    SqlSelect query = assertInstanceOf(SqlSelect.class, node.getQuery());
    assertEquals(SqlKind.JOIN, query.getFrom().getKind());
    assertEquals("", node.getTail());
    // a query Calcite cannot read stays in the tail
    SqlLatticeDdl h2Only = ddl("CREATE TABLE t2 AS SELECT * FROM t1 WHERE a REGEXP 'x'");
    assertNull(h2Only.getQuery());
    assertEquals("AS SELECT * FROM t1 WHERE a REGEXP 'x'", h2Only.getTail());
  }

  @Test
  void dropTable() {
    SqlLatticeDdl node = ddl("DROP TABLE IF EXISTS a, s.b CASCADE");
    assertEquals(Verb.DROP, node.getVerb());
    assertEquals(SqlKind.DROP_TABLE, node.getKind());
    assertTrue(node.isIfExists());
    assertEquals("A,S.B", names(node));
    assertEquals("CASCADE", node.getTail());
    assertEquals("T", names(ddl("drop table t restrict")));
  }

  @Test
  void alterTable() {
    SqlLatticeDdl node = ddl("ALTER TABLE IF EXISTS t ADD COLUMN c BIGINT AUTO_INCREMENT");
    assertEquals(Verb.ALTER, node.getVerb());
    assertEquals(SqlKind.ALTER_TABLE, node.getKind());
    assertTrue(node.isIfExists());
    assertEquals("T", names(node));
    assertEquals("ADD COLUMN c BIGINT AUTO_INCREMENT", node.getTail());
    assertEquals("T", names(ddl("alter table t rename to u")));
  }

  @Test
  void indexes() {
    SqlLatticeDdl node = ddl("CREATE UNIQUE INDEX IF NOT EXISTS idx ON s.t (a, b DESC)");
    assertEquals(ObjectType.INDEX, node.getObjectType());
    assertEquals(SqlKind.CREATE_INDEX, node.getKind());
    assertEquals(List.of("UNIQUE"), node.getModifiers());
    assertTrue(node.isIfNotExists());
    assertEquals("IDX", names(node));
    assertEquals("S.T", node.getOnTable().toString());
    assertEquals("(a, b DESC)", node.getTail());
    SqlLatticeDdl unnamed = ddl("CREATE INDEX ON t(c)");
    assertEquals(List.of(), unnamed.getNames());
    assertEquals("T", unnamed.getOnTable().toString());
    SqlLatticeDdl drop = ddl("DROP INDEX IF EXISTS idx");
    assertEquals(SqlKind.DROP_INDEX, drop.getKind());
    assertEquals("IDX", names(drop));
  }

  @Test
  void sequences() {
    SqlLatticeDdl create = ddl("CREATE SEQUENCE IF NOT EXISTS seq START WITH 100 INCREMENT BY 1");
    assertEquals(SqlKind.CREATE_SEQUENCE, create.getKind());
    assertEquals("SEQ", names(create));
    assertTrue(create.isIfNotExists());
    assertEquals(SqlKind.DROP_SEQUENCE, ddl("DROP SEQUENCE IF EXISTS seq").getKind());
    SqlLatticeDdl alter = ddl("ALTER SEQUENCE seq RESTART WITH 10");
    assertEquals(SqlKind.ALTER_SEQUENCE, alter.getKind());
    assertEquals("SEQ", names(alter));
  }

  @Test
  void truncate() {
    SqlLatticeDdl node = ddl("TRUNCATE TABLE s.t");
    assertEquals(Verb.TRUNCATE, node.getVerb());
    assertEquals(SqlKind.TRUNCATE_TABLE, node.getKind());
    assertEquals("S.T", names(node));
    assertEquals("T", names(ddl("truncate table t restart identity")));
  }

  @Test
  void viewsAndSchemas() {
    SqlLatticeDdl view = ddl("CREATE OR REPLACE VIEW v AS SELECT a FROM t WHERE b = 1");
    assertEquals(List.of("OR REPLACE"), view.getModifiers());
    assertEquals(SqlKind.CREATE_VIEW, view.getKind());
    assertInstanceOf(SqlSelect.class, view.getQuery());
    assertEquals(SqlKind.DROP_VIEW, ddl("DROP VIEW IF EXISTS v").getKind());
    SqlLatticeDdl schema = ddl("CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION sa");
    assertEquals(SqlKind.CREATE_SCHEMA, schema.getKind());
    assertEquals("APP", names(schema));
    assertEquals("AUTHORIZATION sa", schema.getTail());
    assertEquals(SqlKind.DROP_SCHEMA, ddl("DROP SCHEMA app CASCADE").getKind());
  }

  @Test
  void comments() {
    SqlLatticeDdl table = ddl("COMMENT ON TABLE t IS 'people'");
    assertEquals(Verb.COMMENT, table.getVerb());
    assertEquals(ObjectType.TABLE, table.getObjectType());
    assertEquals("T", names(table));
    assertEquals("IS 'people'", table.getTail());
    SqlLatticeDdl column = ddl("COMMENT ON COLUMN s.t.c IS 'it''s'");
    assertEquals(ObjectType.COLUMN, column.getObjectType());
    assertEquals("S.T.C", names(column));
    assertEquals("S.T", column.getOnTable().toString());
  }

  @Test
  void otherObjectsAreDdlWithoutNames() {
    SqlLatticeDdl trigger = ddl("CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW CALL \"a.B\"");
    assertEquals(ObjectType.OTHER, trigger.getObjectType());
    assertEquals("TRIGGER", trigger.getObjectKeyword());
    assertEquals(SqlKind.OTHER_DDL, trigger.getKind());
    SqlLatticeDdl alias = ddl("CREATE ALIAS f AS $$ String f(String s) { return s; } $$");
    assertEquals("ALIAS", alias.getObjectKeyword());
    assertEquals("f AS $$ String f(String s) { return s; } $$", alias.getTail());
    assertEquals("ALL", ddl("DROP ALL OBJECTS").getObjectKeyword());
    assertEquals("USER", ddl("ALTER USER sa SET PASSWORD 'x'").getObjectKeyword());
  }

  @Test
  void tailKeepsTheOriginalTextAcrossLines() {
    SqlLatticeDdl node = ddl("CREATE TABLE t (\n  id INT,\r\n  v VARCHAR(10)\n)");
    assertEquals("(\n  id INT,\r\n  v VARCHAR(10)\n)", node.getTail());
    assertEquals("CREATE TABLE \"T\" (\n  id INT,\r\n  v VARCHAR(10)\n)",
        LatticeParsers.toSql(node));
  }
}
