package dev.lattice.sql.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableNameTest {
  @Test
  void parsesAsH2ResolvesNames() {
    assertEquals(TableName.of("ACCOUNTS"), TableName.parse("accounts"));
    assertEquals(TableName.of("Mixed"), TableName.parse("\"Mixed\""));
    assertEquals(TableName.of("PUBLIC", "T"), TableName.parse("public.t"));
    assertEquals(TableName.of("a.b", "x\"y"), TableName.parse("\"a.b\".\"x\"\"y\""));
  }

  @Test
  void printsAsSqlThatResolvesBackToIt() {
    for (TableName name : new TableName[] {
        TableName.of("T"), TableName.of("PUBLIC", "ORDERS"), TableName.of("Mixed"),
        TableName.of("a.b", "x\"y")}) {
      assertEquals(name, TableName.parse(name.toString()));
    }
    assertEquals("PUBLIC.ORDERS", TableName.of("PUBLIC", "ORDERS").toString());
  }

  @Test
  void schemaIsOptionalAndCanBeDefaulted() {
    assertEquals(Optional.empty(), TableName.of("T").schema());
    assertNotEquals(TableName.of("T"), TableName.of("PUBLIC", "T"));
    assertEquals(TableName.of("PUBLIC", "T"), TableName.of("T").withDefaultSchema("PUBLIC"));
    assertEquals(TableName.of("S", "T"), TableName.of("S", "T").withDefaultSchema("PUBLIC"));
  }
}
