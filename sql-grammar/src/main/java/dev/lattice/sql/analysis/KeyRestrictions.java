package dev.lattice.sql.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * The key restrictions of one statement, per table and column, and how often each table occurs.
 * Only a table that occurs once gets key predicates: one occurrence's restriction says nothing
 * of the rows another occurrence reads.
 */
final class KeyRestrictions {
  private final Map<TableName, Integer> occurrences = new HashMap<>();
  private final Map<TableName, Map<String, List<KeyValue>>> byTable = new LinkedHashMap<>();

  /** Counts one more occurrence of {@code table} in the statement. */
  void occurred(TableName table) {
    occurrences.merge(table, 1, Integer::sum);
  }

  /**
   * Restricts the sources of a query block by the top-level AND-ed conjuncts of its WHERE.
   *
   * @param unqualifiedAllowed whether an unqualified column may be attributed to the block's only
   *     source: not in a correlated subquery, where it may name an outer block's column
   */
  void restrictByWhere(SqlNode where, List<QuerySource> sources, boolean unqualifiedAllowed,
      IntUnaryOperator parameterNumber) {
    if (where == null || sources.isEmpty()) {
      return;
    }
    for (SqlNode conjunct : conjuncts(where, new ArrayList<>())) {
      for (KeyEquality eq : KeyEquality.of(conjunct, parameterNumber)) {
        QuerySource source = resolve(eq.column(), sources, unqualifiedAllowed);
        if (source != null && source.table != null) {
          restrict(source.table, TableAccessCollector.lastName(eq.column()), eq.values());
        }
      }
    }
  }

  /** Narrows {@code table}'s {@code column} to {@code values} (the smaller set wins). */
  void restrict(TableName table, String column, List<KeyValue> values) {
    Map<String, List<KeyValue>> byColumn =
        byTable.computeIfAbsent(table, t -> new LinkedHashMap<>());
    List<KeyValue> known = byColumn.get(column);
    if (known == null || values.size() < known.size()) {
      byColumn.put(column, new ArrayList<>(values));
    }
  }

  /**
   * An UPDATE's {@code SET column = value}: the rows written carry the new value, so it joins the
   * restricted keys; an assigned expression ({@code null} here) lifts the restriction.
   */
  void assign(TableName table, String column, KeyValue value) {
    Map<String, List<KeyValue>> byColumn = byTable.get(table);
    List<KeyValue> keys = byColumn == null ? null : byColumn.get(column);
    if (keys == null) {
      return;
    }
    if (value == null) {
      byColumn.remove(column);
    } else if (!keys.contains(value)) {
      keys.add(value);
    }
  }

  /** The key predicates of tables that occur once, in the order they were found. */
  List<KeyPredicate> keyPredicates() {
    List<KeyPredicate> out = new ArrayList<>();
    byTable.forEach((table, byColumn) -> {
      if (occurrences.getOrDefault(table, 0) == 1) {
        byColumn.forEach((column, values) -> out.add(new KeyPredicate(table, column, values)));
      }
    });
    return out;
  }

  private static List<SqlNode> conjuncts(SqlNode node, List<SqlNode> into) {
    if (node.getKind() == SqlKind.AND) {
      for (SqlNode operand : ((SqlCall) node).getOperandList()) {
        conjuncts(operand, into);
      }
    } else {
      into.add(node);
    }
    return into;
  }

  private static QuerySource resolve(SqlIdentifier column, List<QuerySource> sources,
      boolean unqualifiedAllowed) {
    List<String> names = column.names;
    if (names.size() == 1) {
      return unqualifiedAllowed && sources.size() == 1 ? sources.get(0) : null;
    }
    List<String> qualifier = names.subList(0, names.size() - 1);
    QuerySource found = null;
    for (QuerySource s : sources) {
      if (s.matches(qualifier)) {
        if (found != null) {
          return null;
        }
        found = s;
      }
    }
    return found;
  }
}
