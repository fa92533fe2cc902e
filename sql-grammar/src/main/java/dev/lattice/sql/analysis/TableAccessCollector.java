package dev.lattice.sql.analysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlMerge;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;

/**
 * Walks a parsed query or DML statement and collects the tables it reads and writes, its key
 * predicates, and whether it calls a function that only the primary can run.
 *
 * <p>Key predicates are attributed per query block: a WHERE conjunct {@code col = v} or
 * {@code col IN (…)} restricts the block's source whose alias qualifies {@code col}; an
 * unqualified column counts only in a block with a single source and no outer block (where it
 * could be a correlated reference). See {@link KeyRestrictions}.
 */
final class TableAccessCollector {
  /** Functions that change state or read session state only the primary holds. */
  private static final Set<String> PRIMARY_ONLY_FUNCTIONS = Set.of(
      "NEXTVAL", "CURRVAL", "SETVAL", "LASTVAL", "IDENTITY", "SCOPE_IDENTITY", "LAST_INSERT_ID",
      "CSVWRITE", "FILE_WRITE", "LINK_SCHEMA", "CANCEL_SESSION", "ABORT_SESSION",
      "TRANSACTION_ID", "SET_CONFIG", "PG_ADVISORY_LOCK", "PG_ADVISORY_XACT_LOCK",
      "PG_TRY_ADVISORY_LOCK", "PG_ADVISORY_UNLOCK", "PG_ADVISORY_UNLOCK_ALL");

  private final IntUnaryOperator parameterNumber;
  private final Set<TableName> reads = new LinkedHashSet<>();
  private final Set<TableName> writes = new LinkedHashSet<>();
  private final KeyRestrictions keys = new KeyRestrictions();
  private boolean primaryOnlyFunction;

  private TableAccessCollector(IntUnaryOperator parameterNumber) {
    this.parameterNumber = parameterNumber;
  }

  /** Collects what {@code statement} (a query or DML node) touches. */
  static TableAccessCollector of(SqlNode statement, IntUnaryOperator parameterNumber) {
    TableAccessCollector c = new TableAccessCollector(parameterNumber);
    c.statement(statement);
    return c;
  }

  Set<TableName> reads() {
    return reads;
  }

  Set<TableName> writes() {
    return writes;
  }

  boolean callsPrimaryOnlyFunction() {
    return primaryOnlyFunction;
  }

  /** The key predicates of tables that occur once, in the order they were found. */
  List<KeyPredicate> keyPredicates() {
    return keys.keyPredicates();
  }

  private void statement(SqlNode node) {
    switch (node.getKind()) {
      case INSERT:
        insert((SqlInsert) node);
        break;
      case UPDATE:
        update((SqlUpdate) node);
        break;
      case DELETE:
        delete((SqlDelete) node);
        break;
      case MERGE:
        merge((SqlMerge) node);
        break;
      default:
        query(node, Scope.EMPTY, false);
        break;
    }
  }

  // ---- DML ------------------------------------------------------------------------------------

  private void insert(SqlInsert insert) {
    TableName target = touch(insert.getTargetTable(), writes);
    SqlNode source = insert.getSource();
    SqlNodeList columns = insert.getTargetColumnList();
    if (source.getKind() != SqlKind.VALUES) {
      query(source, Scope.EMPTY, false);
      return;
    }
    List<SqlNode> rows = ((SqlCall) source).getOperandList();
    expression(source, Scope.EMPTY);
    if (target == null || columns == null) {
      return;
    }
    for (int c = 0; c < columns.size(); c++) {
      List<KeyValue> values = new ArrayList<>(rows.size());
      for (SqlNode row : rows) {
        List<SqlNode> cells = row.getKind() == SqlKind.ROW
            ? ((SqlCall) row).getOperandList() : List.of(row);
        KeyValue v = cells.size() == columns.size() ? KeyValues.of(cells.get(c), parameterNumber)
            : null;
        if (v == null) {
          values = null;
          break;
        }
        values.add(v);
      }
      if (values != null && columns.get(c) instanceof SqlIdentifier column) {
        keys.restrict(target, lastName(column), values);
      }
    }
  }

  private void update(SqlUpdate update) {
    TableName target = touch(update.getTargetTable(), writes);
    List<QuerySource> sources =
        List.of(new QuerySource(alias(update.getAlias(), target), target));
    expression(update.getSourceExpressionList(), Scope.EMPTY);
    expression(update.getCondition(), Scope.EMPTY);
    keys.restrictByWhere(update.getCondition(), sources, true, parameterNumber);
    if (target == null) {
      return;
    }
    SqlNodeList columns = update.getTargetColumnList();
    SqlNodeList values = update.getSourceExpressionList();
    for (int i = 0; i < columns.size(); i++) {
      keys.assign(target, lastName((SqlIdentifier) columns.get(i)),
          KeyValues.of(values.get(i), parameterNumber));
    }
  }

  private void delete(SqlDelete delete) {
    TableName target = touch(delete.getTargetTable(), writes);
    List<QuerySource> sources =
        List.of(new QuerySource(alias(delete.getAlias(), target), target));
    expression(delete.getCondition(), Scope.EMPTY);
    keys.restrictByWhere(delete.getCondition(), sources, true, parameterNumber);
  }

  private void merge(SqlMerge merge) {
    touch(merge.getTargetTable(), writes);
    from(merge.getSourceTableRef(), Scope.EMPTY, new ArrayList<>());
    expression(merge.getCondition(), Scope.EMPTY);
    if (merge.getUpdateCall() != null) {
      expression(merge.getUpdateCall().getSourceExpressionList(), Scope.EMPTY);
      expression(merge.getUpdateCall().getCondition(), Scope.EMPTY);
    }
    if (merge.getInsertCall() != null) {
      expression(merge.getInsertCall().getSource(), Scope.EMPTY);
    }
  }

  // ---- queries --------------------------------------------------------------------------------

  private void query(SqlNode node, Scope scope, boolean correlated) {
    if (node == null) {
      return;
    }
    switch (node.getKind()) {
      case SELECT:
        select((SqlSelect) node, scope, correlated);
        break;
      case ORDER_BY:
        SqlOrderBy orderBy = (SqlOrderBy) node;
        query(orderBy.query, scope, correlated);
        expression(orderBy.orderList, scope);
        expression(orderBy.offset, scope);
        expression(orderBy.fetch, scope);
        break;
      case WITH:
        SqlWith with = (SqlWith) node;
        Scope inner = scope;
        for (SqlNode item : with.withList) {
          inner = inner.with(((SqlWithItem) item).name.getSimple());
        }
        for (SqlNode item : with.withList) {
          query(((SqlWithItem) item).query, inner, correlated);
        }
        query(with.body, inner, correlated);
        break;
      case UNION:
      case INTERSECT:
      case EXCEPT:
        for (SqlNode operand : ((SqlCall) node).getOperandList()) {
          query(operand, scope, correlated);
        }
        break;
      case EXPLICIT_TABLE:
        tableReference(((SqlCall) node).operand(0), scope, new ArrayList<>(), null);
        break;
      default:
        expression(node, scope);
        break;
    }
  }

  private void select(SqlSelect select, Scope scope, boolean correlated) {
    List<QuerySource> sources = new ArrayList<>();
    from(select.getFrom(), scope, sources);
    expression(select.getSelectList(), scope);
    expression(select.getWhere(), scope);
    expression(select.getGroup(), scope);
    expression(select.getHaving(), scope);
    expression(select.getQualify(), scope);
    expression(select.getWindowList(), scope);
    expression(select.getOrderList(), scope);
    expression(select.getOffset(), scope);
    expression(select.getFetch(), scope);
    keys.restrictByWhere(select.getWhere(), sources, !correlated, parameterNumber);
  }

  private void from(SqlNode node, Scope scope, List<QuerySource> sources) {
    if (node == null) {
      return;
    }
    switch (node.getKind()) {
      case IDENTIFIER:
      case TABLE_REF:
      case TABLESAMPLE:
      case EXTEND:
      case SNAPSHOT:
        tableReference(node, scope, sources, null);
        break;
      case AS:
        SqlCall as = (SqlCall) node;
        String alias = ((SqlIdentifier) as.operand(1)).getSimple();
        if (tableOf(as.operand(0)) != null) {
          tableReference(as.operand(0), scope, sources, alias);
        } else {
          from(as.operand(0), scope, new ArrayList<>());
          sources.add(new QuerySource(alias, null));
        }
        break;
      case JOIN:
        SqlJoin join = (SqlJoin) node;
        from(join.getLeft(), scope, sources);
        from(join.getRight(), scope, sources);
        expression(join.getCondition(), scope);
        break;
      case LATERAL:
        query(((SqlCall) node).operand(0), scope, true);
        sources.add(new QuerySource(null, null));
        break;
      case SELECT:
      case ORDER_BY:
      case WITH:
      case UNION:
      case INTERSECT:
      case EXCEPT:
        query(node, scope, false);
        sources.add(new QuerySource(null, null));
        break;
      default:
        expression(node, scope);
        sources.add(new QuerySource(null, null));
        break;
    }
  }

  private void tableReference(SqlNode node, Scope scope, List<QuerySource> sources, String alias) {
    SqlIdentifier id = tableOf(node);
    if (id == null) {
      expression(node, scope);
      sources.add(new QuerySource(alias, null));
      return;
    }
    if (id.names.size() == 1 && scope.contains(id.names.get(0))) {
      sources.add(new QuerySource(alias != null ? alias : id.names.get(0), null));
      return;
    }
    TableName table = touch(id, reads);
    sources.add(new QuerySource(alias(alias, table), table));
  }

  private static SqlIdentifier tableOf(SqlNode node) {
    if (node instanceof SqlIdentifier id) {
      return id;
    }
    if (node instanceof SqlCall call) {
      SqlKind kind = call.getKind();
      if ((kind == SqlKind.TABLE_REF || kind == SqlKind.TABLESAMPLE || kind == SqlKind.EXTEND
          || kind == SqlKind.SNAPSHOT) && call.operandCount() > 0) {
        return tableOf(call.operand(0));
      }
    }
    return null;
  }

  // ---- expressions ----------------------------------------------------------------------------

  private void expression(SqlNode node, Scope scope) {
    if (node == null) {
      return;
    }
    if (node instanceof SqlNodeList list) {
      for (SqlNode item : list) {
        expression(item, scope);
      }
      return;
    }
    if (node instanceof SqlIdentifier id) {
      String last = id.names.get(id.names.size() - 1);
      if (id.names.size() > 1 && (last.equals("NEXTVAL") || last.equals("CURRVAL"))) {
        primaryOnlyFunction = true;
      }
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    switch (call.getKind()) {
      case SELECT:
      case ORDER_BY:
      case WITH:
      case UNION:
      case INTERSECT:
      case EXCEPT:
      case EXPLICIT_TABLE:
        query(call, scope, true);
        return;
      case NEXT_VALUE:
      case CURRENT_VALUE:
        primaryOnlyFunction = true;
        return;
      default:
        break;
    }
    if (call.getOperator() instanceof SqlFunction f && isPrimaryOnly(f)) {
      primaryOnlyFunction = true;
    }
    for (SqlNode operand : call.getOperandList()) {
      expression(operand, scope);
    }
  }

  private static boolean isPrimaryOnly(SqlFunction f) {
    SqlIdentifier id = f.getSqlIdentifier();
    String name = id != null ? id.names.get(id.names.size() - 1) : f.getName();
    return PRIMARY_ONLY_FUNCTIONS.contains(name.toUpperCase(Locale.ROOT));
  }

  // ---- names ----------------------------------------------------------------------------------

  private TableName touch(SqlNode node, Set<TableName> into) {
    SqlIdentifier id = tableOf(node);
    if (id == null) {
      expression(node, Scope.EMPTY);
      return null;
    }
    TableName table = tableName(id);
    into.add(table);
    keys.occurred(table);
    return table;
  }

  static TableName tableName(SqlIdentifier id) {
    List<String> names = id.names;
    int n = names.size();
    return n == 1 ? TableName.of(names.get(0)) : TableName.of(names.get(n - 2), names.get(n - 1));
  }

  static String lastName(SqlIdentifier id) {
    return id.names.get(id.names.size() - 1);
  }

  private static String alias(Object alias, TableName table) {
    if (alias instanceof SqlIdentifier id) {
      return id.getSimple();
    }
    if (alias instanceof String s) {
      return s;
    }
    return table == null ? null : table.name();
  }

  /** The CTE names visible at a point of the statement. */
  private static final class Scope {
    static final Scope EMPTY = new Scope(null, null);
    private final String name;
    private final Scope outer;

    private Scope(String name, Scope outer) {
      this.name = name;
      this.outer = outer;
    }

    Scope with(String cte) {
      return new Scope(cte, this);
    }

    boolean contains(String table) {
      for (Scope s = this; s != null; s = s.outer) {
        if (table.equals(s.name)) {
          return true;
        }
      }
      return false;
    }
  }
}
