package dev.lattice.sql.statement;

import org.apache.calcite.sql.SqlWriter;

/** Writes the access mode and isolation level shared by BEGIN and SET TRANSACTION. */
final class TransactionModes {
  private TransactionModes() {}

  static void write(SqlWriter writer, Boolean readOnly, IsolationLevel isolation) {
    if (readOnly != null) {
      writer.keyword("READ");
      writer.keyword(readOnly ? "ONLY" : "WRITE");
    }
    if (isolation != null) {
      writer.keyword("ISOLATION");
      writer.keyword("LEVEL");
      Operands.writeKeywords(writer, isolation.sql());
    }
  }
}
