package dev.lattice.sql.analysis;

import dev.lattice.sql.statement.IsolationLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlNode;

/**
 * What one statement is and touches: the single analysis routing, locking and replication read.
 * Immutable and shared by every session that runs the same text (do not modify
 * {@link #command()}).
 *
 * <p>Of a parsed QUERY or DML without parameter markers, only the key predicates read the values
 * of its literals: the kind, the tables, FOR UPDATE and primary-only functions come from node
 * kinds, identifiers and function names; statement count, schema change and row copying from words
 * and separators; read-only and isolation only from transaction statements; the command only from
 * Lattice and transaction statements. So texts that differ in plain literals alone share all the
 * rest of one analysis ({@link #withLiterals}, for {@link LiteralShapes}).
 */
public final class StatementAnalysis {
  private final String sql;
  private final StatementKind kind;
  private final boolean parsed;
  private final Set<TableName> readTables;
  private final Set<TableName> writtenTables;
  private final Set<TableName> tables;
  private final List<KeyPredicate> keyPredicates;
  private final Map<TableName, List<KeyPredicate>> keyPredicatesByTable;
  private final boolean forUpdate;
  private final Optional<Boolean> readOnly;
  private final Optional<IsolationLevel> isolation;
  private final List<ParameterMarker> parameterMarkers;
  private final int parameterCount;
  private final boolean mayTouchAnything;
  private final boolean callsPrimaryOnlyFunction;
  private final int statementCount;
  private final boolean mayChangeSchema;
  private final boolean copiesRows;
  private final SqlNode command;
  private final boolean mustRunOnPrimary;
  private final boolean isWrite;
  private final LiteralParameters literalParameters;

  private StatementAnalysis(Builder b) {
    this.sql = b.sql;
    this.literalParameters = null;
    this.kind = b.kind;
    this.parsed = b.parsed;
    this.readTables = frozen(b.readTables);
    this.writtenTables = frozen(b.writtenTables);
    Set<TableName> all = new LinkedHashSet<>(b.readTables);
    all.addAll(b.writtenTables);
    this.tables = frozen(all);
    this.keyPredicates = List.copyOf(b.keyPredicates);
    this.keyPredicatesByTable = byTable(keyPredicates);
    this.forUpdate = b.forUpdate;
    this.readOnly = Optional.ofNullable(b.readOnly);
    this.isolation = Optional.ofNullable(b.isolation);
    this.parameterMarkers = List.copyOf(b.parameterMarkers);
    int count = 0;
    for (ParameterMarker m : parameterMarkers) {
      count = Math.max(count, m.number());
    }
    this.parameterCount = count;
    this.mayTouchAnything = b.mayTouchAnything;
    this.callsPrimaryOnlyFunction = b.callsPrimaryOnlyFunction;
    this.statementCount = b.statementCount;
    this.mayChangeSchema = kind == StatementKind.DDL || b.mayChangeSchema;
    this.copiesRows = b.copiesRows;
    this.command = b.command;
    this.isWrite = kind == StatementKind.DML || kind == StatementKind.DDL
        || kind == StatementKind.OTHER || callsPrimaryOnlyFunction;
    this.mustRunOnPrimary = isWrite || forUpdate;
  }

  /** {@code template} for another text of its shape: see {@link #withLiterals}. */
  private StatementAnalysis(StatementAnalysis template, String sql,
      List<KeyPredicate> keyPredicates, LiteralParameters literalParameters) {
    this.sql = sql;
    this.literalParameters = literalParameters;
    this.kind = template.kind;
    this.parsed = template.parsed;
    this.readTables = template.readTables;
    this.writtenTables = template.writtenTables;
    this.tables = template.tables;
    this.keyPredicates = List.copyOf(keyPredicates);
    this.keyPredicatesByTable = byTable(this.keyPredicates);
    this.forUpdate = template.forUpdate;
    this.readOnly = template.readOnly;
    this.isolation = template.isolation;
    this.parameterMarkers = template.parameterMarkers;
    this.parameterCount = template.parameterCount;
    this.mayTouchAnything = template.mayTouchAnything;
    this.callsPrimaryOnlyFunction = template.callsPrimaryOnlyFunction;
    this.statementCount = template.statementCount;
    this.mayChangeSchema = template.mayChangeSchema;
    this.copiesRows = template.copiesRows;
    this.command = template.command;
    this.isWrite = template.isWrite;
    this.mustRunOnPrimary = template.mustRunOnPrimary;
  }

  /**
   * This analysis for {@code sql}, another text of the same literal shape, with the key predicates
   * of that text's literals; every other property is shared (see the class comment for when that
   * is right).
   */
  StatementAnalysis withLiterals(String sql, List<KeyPredicate> keyPredicates,
      LiteralParameters literalParameters) {
    return new StatementAnalysis(this, sql, keyPredicates, literalParameters);
  }

  /**
   * This text with its literals as parameters, when every literal in it is a key value of a
   * statement shape seen before (see {@link LiteralShapes}); otherwise null.
   */
  public LiteralParameters literalParameters() {
    return literalParameters;
  }

  /**
   * Whether {@code other} is the same analysis in every property but its text: tables (in order),
   * key predicates, flags, markers; the command by identity.
   */
  boolean sameAnalysisAs(StatementAnalysis other) {
    return kind == other.kind && parsed == other.parsed
        && List.copyOf(readTables).equals(List.copyOf(other.readTables))
        && List.copyOf(writtenTables).equals(List.copyOf(other.writtenTables))
        && keyPredicates.equals(other.keyPredicates) && forUpdate == other.forUpdate
        && readOnly.equals(other.readOnly) && isolation.equals(other.isolation)
        && parameterMarkers.equals(other.parameterMarkers)
        && mayTouchAnything == other.mayTouchAnything
        && callsPrimaryOnlyFunction == other.callsPrimaryOnlyFunction
        && statementCount == other.statementCount && mayChangeSchema == other.mayChangeSchema
        && copiesRows == other.copiesRows && command == other.command;
  }

  private static Map<TableName, List<KeyPredicate>> byTable(List<KeyPredicate> predicates) {
    if (predicates.isEmpty()) {
      return Map.of();
    }
    Map<TableName, List<KeyPredicate>> grouped = new LinkedHashMap<>();
    for (KeyPredicate p : predicates) {
      grouped.computeIfAbsent(p.table(), t -> new ArrayList<>()).add(p);
    }
    grouped.replaceAll((t, list) -> List.copyOf(list));
    return Map.copyOf(grouped);
  }

  private static Set<TableName> frozen(Set<TableName> tables) {
    return tables.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(tables));
  }

  /** The statement text as analyzed. */
  public String sql() {
    return sql;
  }

  /** What the statement is; see {@link StatementKind}. */
  public StatementKind kind() {
    return kind;
  }

  /**
   * Whether a Calcite grammar parsed the statement fully; if not, its kind, tables and markers
   * come from a token scan and it {@link #mayTouchAnything()}.
   */
  public boolean parsed() {
    return parsed;
  }

  /** Tables the statement reads (FROM, JOIN, subqueries, MERGE's source, REFERENCES). */
  public Set<TableName> readTables() {
    return readTables;
  }

  /**
   * Tables the statement writes: DML targets, DDL objects, and, for {@link StatementKind#OTHER},
   * every table a token scan found (a scan cannot tell what an unknown statement does).
   */
  public Set<TableName> writtenTables() {
    return writtenTables;
  }

  /** Read and written tables together, in order of appearance. */
  public Set<TableName> tables() {
    return tables;
  }

  /**
   * Key-equality restrictions, at most one per table and column: from top-level AND-ed
   * {@code col = v} and {@code col IN (…)} of each query block, and an INSERT's values per
   * column (one value per row). An UPDATE that assigns a restricted column adds the new value.
   * A table that occurs more than once in the statement has none.
   */
  public List<KeyPredicate> keyPredicates() {
    return keyPredicates;
  }

  /** The key predicates on {@code table}, one per restricted column; empty if none. */
  public List<KeyPredicate> keyPredicates(TableName table) {
    return keyPredicatesByTable.getOrDefault(table, List.of());
  }

  /** Whether this is a {@code SELECT … FOR UPDATE}. */
  public boolean forUpdate() {
    return forUpdate;
  }

  /**
   * For BEGIN, START TRANSACTION, SET TRANSACTION and SET SESSION CHARACTERISTICS AS TRANSACTION
   * (the session's default, as pgjdbc sends {@code setReadOnly}): whether it asks for READ ONLY
   * (true) or READ WRITE (false); empty when it asks for neither.
   */
  public Optional<Boolean> readOnly() {
    return readOnly;
  }

  /** For the same statements as {@link #readOnly()}: the isolation level it asks for. */
  public Optional<IsolationLevel> isolation() {
    return isolation;
  }

  /** How many parameters must be bound: the number of {@code ?}, or the highest {@code $n}. */
  public int parameterCount() {
    return parameterCount;
  }

  /** Every parameter marker in text order, with the parameter number it stands for. */
  public List<ParameterMarker> parameterMarkers() {
    return parameterMarkers;
  }

  /**
   * Whether the statement was not fully understood, so it may touch tables beyond
   * {@link #tables()}: locking must then treat it as touching everything.
   */
  public boolean mayTouchAnything() {
    return mayTouchAnything;
  }

  /**
   * Whether it calls a function that changes state or reads session state only the primary holds:
   * {@code NEXT VALUE FOR}, {@code NEXTVAL}, {@code CURRVAL}, {@code SETVAL}, ….
   */
  public boolean callsPrimaryOnlyFunction() {
    return callsPrimaryOnlyFunction;
  }

  /** How many statements the text holds (more than one only for kind OTHER). */
  public int statementCount() {
    return statementCount;
  }

  /**
   * Whether running it may change the schema: DDL, or text in which some statement begins with a
   * schema-changing verb or a call that can run anything (judged from tokens, so words in string
   * literals and comments never count).
   */
  public boolean mayChangeSchema() {
    return mayChangeSchema;
  }

  /**
   * Whether it is DDL that also fills a table from a query ({@code CREATE TABLE … AS SELECT …}):
   * replaying its text elsewhere would compute the rows again ({@code NOW()}, {@code RAND()},
   * defaults), so replicas must copy them instead.
   */
  public boolean copiesRows() {
    return copiesRows;
  }

  /**
   * The parsed Lattice or transaction-control statement for the driver to execute, or
   * {@code null} for every other kind.
   */
  public SqlNode command() {
    return command;
  }

  /**
   * Whether it changes the database, so it runs on the primary and commits under an LSN: DML,
   * DDL, OTHER, and queries calling a primary-only function.
   */
  public boolean isWrite() {
    return isWrite;
  }

  /** Whether it must run on the primary whatever the level: writes and FOR UPDATE. */
  public boolean mustRunOnPrimary() {
    return mustRunOnPrimary;
  }

  /** Whether it is a read that the session's level may route to a replica. */
  public boolean isRoutedRead() {
    return kind == StatementKind.QUERY && !mustRunOnPrimary;
  }

  @Override
  public String toString() {
    return kind + (parsed ? "" : " (scanned)") + " reads " + readTables + " writes "
        + writtenTables + " keys " + keyPredicates + (forUpdate ? " FOR UPDATE" : "")
        + (parameterCount > 0 ? " params " + parameterCount : "")
        + (mayTouchAnything ? " may touch anything" : "");
  }

  static Builder builder(String sql) {
    return new Builder(sql);
  }

  /** Collects an analysis; only the analyzer builds one. */
  static final class Builder {
    private final String sql;
    StatementKind kind = StatementKind.OTHER;
    boolean parsed;
    Set<TableName> readTables = new LinkedHashSet<>();
    Set<TableName> writtenTables = new LinkedHashSet<>();
    List<KeyPredicate> keyPredicates = List.of();
    boolean forUpdate;
    Boolean readOnly;
    IsolationLevel isolation;
    List<ParameterMarker> parameterMarkers = List.of();
    boolean mayTouchAnything;
    boolean callsPrimaryOnlyFunction;
    int statementCount = 1;
    boolean mayChangeSchema;
    boolean copiesRows;
    SqlNode command;

    private Builder(String sql) {
      this.sql = sql;
    }

    StatementAnalysis build() {
      return new StatementAnalysis(this);
    }
  }
}
