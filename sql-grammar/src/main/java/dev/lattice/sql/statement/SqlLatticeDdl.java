package dev.lattice.sql.statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * A DDL statement parsed as far as naming the objects it touches: its head (verb, modifiers,
 * object type, IF [NOT] EXISTS, names, the table of an index) is parsed, the rest is kept as the
 * original text ({@link #getTail()}), so H2-only column types and options never matter.
 * {@link #unparse} prints the head followed by that original tail text.
 */
public final class SqlLatticeDdl extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new LatticeOperator("DDL", SqlKind.OTHER_DDL, SqlLatticeDdl::fromOperands);

  /** The statement's verb. */
  public enum Verb {
    CREATE,
    DROP,
    ALTER,
    TRUNCATE,
    COMMENT
  }

  /** The kind of object the statement names; OTHER for TRIGGER, ALIAS, USER, DOMAIN, .... */
  public enum ObjectType {
    TABLE,
    INDEX,
    SEQUENCE,
    VIEW,
    SCHEMA,
    /** {@code COMMENT ON COLUMN t.c}: the name is the column, {@link #getOnTable()} its table. */
    COLUMN,
    OTHER
  }

  private final Verb verb;
  private final List<String> modifiers;
  private final ObjectType objectType;
  private final String objectKeyword;
  private final boolean ifExists;
  private final boolean ifNotExists;
  private final List<SqlIdentifier> names;
  private final SqlIdentifier onTable;
  private final SqlNode query;
  private final String tail;

  /**
   * @param modifiers words between the verb and the object keyword, upper case, e.g. {@code
   *     [OR REPLACE, LOCAL, TEMPORARY]} or {@code [UNIQUE]}
   * @param objectKeyword the object keyword as written, upper case ({@code TABLE}, {@code
   *     TRIGGER})
   * @param onTable the table an index or column belongs to, or null
   * @param query the query of {@code CREATE TABLE|VIEW name AS <query>}, or null
   * @param tail the original text after the head (and after the query), or "" if none
   */
  public SqlLatticeDdl(SqlParserPos pos, Verb verb, List<String> modifiers,
      ObjectType objectType, String objectKeyword, boolean ifExists, boolean ifNotExists,
      List<SqlIdentifier> names, SqlIdentifier onTable, SqlNode query, String tail) {
    super(pos);
    this.verb = Objects.requireNonNull(verb, "verb");
    this.modifiers = List.copyOf(modifiers);
    this.objectType = Objects.requireNonNull(objectType, "objectType");
    this.objectKeyword = Objects.requireNonNull(objectKeyword, "objectKeyword");
    this.ifExists = ifExists;
    this.ifNotExists = ifNotExists;
    this.names = List.copyOf(names);
    this.onTable = onTable;
    this.query = query;
    this.tail = tail == null ? "" : tail;
  }

  public Verb getVerb() {
    return verb;
  }

  /** Words between the verb and the object keyword, e.g. {@code [LOCAL, TEMPORARY]}. */
  public List<String> getModifiers() {
    return modifiers;
  }

  /** True for a {@code LOCAL|GLOBAL TEMPORARY} or {@code TEMP} table. */
  public boolean isTemporary() {
    return modifiers.contains("TEMPORARY") || modifiers.contains("TEMP");
  }

  public ObjectType getObjectType() {
    return objectType;
  }

  /** The object keyword as written, upper case: {@code TABLE}, or {@code TRIGGER} for OTHER. */
  public String getObjectKeyword() {
    return objectKeyword;
  }

  public boolean isIfExists() {
    return ifExists;
  }

  public boolean isIfNotExists() {
    return ifNotExists;
  }

  /**
   * The objects named: one for most statements, several for {@code DROP TABLE a, b}, none for
   * H2's unnamed {@code CREATE INDEX ON t(c)} and for OTHER objects.
   */
  public List<SqlIdentifier> getNames() {
    return names;
  }

  /** The table of {@code CREATE INDEX ... ON t} or of {@code COMMENT ON COLUMN t.c}, or null. */
  public SqlIdentifier getOnTable() {
    return onTable;
  }

  /** The query of {@code CREATE TABLE|VIEW name AS <query>} (tables it reads), or null. */
  public SqlNode getQuery() {
    return query;
  }

  /** The original statement text after the head (and query), unparsed; "" if none. */
  public String getTail() {
    return tail;
  }

  /** The precise DDL kind where Calcite has one (CREATE_TABLE, DROP_INDEX, ...), else OTHER_DDL. */
  @Override
  public SqlKind getKind() {
    String name = verb == Verb.TRUNCATE ? "TRUNCATE_TABLE" : verb + "_" + objectType;
    for (SqlKind kind : SqlKind.DDL) {
      if (kind.name().equals(name)) {
        return kind;
      }
    }
    return SqlKind.OTHER_DDL;
  }

  @Override
  public SqlSpecialOperator getOperator() {
    return OPERATOR;
  }

  /**
   * Operands: verb, modifiers (a list of string literals), object type, object keyword,
   * IF EXISTS, IF NOT EXISTS, names, on-table, query, tail.
   */
  @Override
  public List<SqlNode> getOperandList() {
    List<SqlNode> words = new ArrayList<>();
    for (String modifier : modifiers) {
      words.add(Operands.string(modifier, pos));
    }
    return ImmutableNullableList.of(
        Operands.symbol(verb, pos),
        new SqlNodeList(words, pos),
        Operands.symbol(objectType, pos),
        Operands.string(objectKeyword, pos),
        Operands.bool(ifExists, pos),
        Operands.bool(ifNotExists, pos),
        new SqlNodeList(names, pos),
        onTable,
        query,
        Operands.string(tail, pos));
  }

  private static SqlLatticeDdl fromOperands(SqlParserPos pos, List<SqlNode> operands) {
    List<String> modifiers = new ArrayList<>();
    for (SqlNode word : (SqlNodeList) operands.get(1)) {
      modifiers.add(Operands.string(word));
    }
    List<SqlIdentifier> names = new ArrayList<>();
    for (SqlNode name : (SqlNodeList) operands.get(6)) {
      names.add((SqlIdentifier) name);
    }
    return new SqlLatticeDdl(pos,
        Operands.symbol(operands.get(0), Verb.class),
        modifiers,
        Operands.symbol(operands.get(2), ObjectType.class),
        Operands.string(operands.get(3)),
        Operands.bool(operands.get(4)),
        Operands.bool(operands.get(5)),
        names,
        Operands.identifier(operands.get(7)),
        operands.get(8),
        Operands.string(operands.get(9)));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(verb.name());
    if (verb == Verb.COMMENT) {
      writer.keyword("ON");
    }
    for (String modifier : modifiers) {
      Operands.writeKeywords(writer, modifier);
    }
    writer.keyword(objectKeyword);
    if (ifNotExists) {
      Operands.writeKeywords(writer, "IF NOT EXISTS");
    }
    if (ifExists) {
      Operands.writeKeywords(writer, "IF EXISTS");
    }
    SqlWriter.Frame frame = writer.startList("", "");
    for (SqlIdentifier name : names) {
      writer.sep(",");
      name.unparse(writer, 0, 0);
    }
    writer.endList(frame);
    if (verb == Verb.CREATE && objectType == ObjectType.INDEX && onTable != null) {
      writer.keyword("ON");
      onTable.unparse(writer, 0, 0);
    }
    if (query != null) {
      writer.keyword("AS");
      query.unparse(writer, 0, 0);
    }
    if (!tail.isEmpty()) {
      writer.print(tail);
    }
  }
}
