package dev.lattice.sql.analysis;

import dev.lattice.sql.statement.SqlLatticeDdl;
import dev.lattice.sql.statement.SqlLatticeDdl.ObjectType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * The tables a parsed DDL statement touches: the tables and views it names (or the table of an
 * index, trigger or column) are written; the tables of its {@code AS <query>} and of
 * {@code REFERENCES} in its unparsed tail are read.
 */
final class DdlTables {
  private DdlTables() {}

  static StatementAnalysis read(StatementAnalysis.Builder b, SqlLatticeDdl ddl,
      List<SqlToken> tokens, IntUnaryOperator parameterNumber) {
    Set<TableName> writes = new LinkedHashSet<>();
    ObjectType type = ddl.getObjectType();
    if (type == ObjectType.TABLE || type == ObjectType.VIEW) {
      for (SqlIdentifier name : ddl.getNames()) {
        writes.add(TableAccessCollector.tableName(name));
      }
    }
    if (ddl.getOnTable() != null) {
      writes.add(TableAccessCollector.tableName(ddl.getOnTable()));
    }
    // The tail is kept as text: a trigger's ON table and a constraint's REFERENCES are there.
    TableTokenScan scan = TableTokenScan.of(tokens);
    writes.addAll(scan.writes());
    Set<TableName> reads = new LinkedHashSet<>(scan.reads());
    if (ddl.getQuery() != null) {
      TableAccessCollector query = TableAccessCollector.of(ddl.getQuery(), parameterNumber);
      reads.addAll(query.reads());
      b.callsPrimaryOnlyFunction = query.callsPrimaryOnlyFunction();
    }
    reads.removeAll(writes);
    b.kind = StatementKind.DDL;
    b.writtenTables = writes;
    b.readTables = reads;
    b.mayTouchAnything = touchesUnnamedObjects(ddl, writes);
    return b.build();
  }

  /**
   * Whether the statement may reach objects it does not name: a schema, an object Lattice does
   * not model (trigger, alias, domain, user …), an index dropped by name, or CASCADE.
   */
  private static boolean touchesUnnamedObjects(SqlLatticeDdl ddl, Set<TableName> writes) {
    ObjectType type = ddl.getObjectType();
    if (type == ObjectType.SEQUENCE) {
      return false;
    }
    if (type == ObjectType.SCHEMA || type == ObjectType.OTHER || writes.isEmpty()) {
      return true;
    }
    return ddl.getTail().toUpperCase(java.util.Locale.ROOT).matches("(?s).*\\bCASCADE\\b.*");
  }
}
