package dev.lattice.sql.analysis;

import java.util.List;

/** One entry of a query block's FROM (or a DML target): its alias, and its table unless derived. */
final class QuerySource {
  final String alias;
  final TableName table;

  QuerySource(String alias, TableName table) {
    this.alias = alias;
    this.table = table;
  }

  /** Whether a column qualified by {@code qualifier} ({@code a}, {@code s.t}) is of this source. */
  boolean matches(List<String> qualifier) {
    if (qualifier.size() == 1) {
      return qualifier.get(0).equals(alias);
    }
    int n = qualifier.size();
    return table != null && qualifier.get(n - 1).equals(table.name())
        && table.schema().map(s -> s.equals(qualifier.get(n - 2))).orElse(false);
  }
}
