package dev.lattice.sql.analysis;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** A table a statement names: an optional schema and a name, cased as H2 resolves them. */
public final class TableName implements Comparable<TableName> {
  private final String schema;
  private final String name;

  private TableName(String schema, String name) {
    this.schema = schema;
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A name already cased as H2 resolves it (unquoted parts upper-cased, quoted parts kept). */
  public static TableName of(String schema, String name) {
    return new TableName(schema, name);
  }

  /** An unqualified name already cased as H2 resolves it. */
  public static TableName of(String name) {
    return new TableName(null, name);
  }

  /**
   * Parses {@code name} or {@code schema.name} as SQL text would spell it: unquoted parts are
   * upper-cased, double-quoted parts are kept as written.
   */
  public static TableName parse(String text) {
    String trimmed = text.trim();
    int dot = topLevelDot(trimmed);
    if (dot < 0) {
      return of(identifier(trimmed));
    }
    return of(identifier(trimmed.substring(0, dot)), identifier(trimmed.substring(dot + 1)));
  }

  /** The schema, if the statement named one. */
  public Optional<String> schema() {
    return Optional.ofNullable(schema);
  }

  /** The table's name, cased as H2 resolves it. */
  public String name() {
    return name;
  }

  /** This name with {@code defaultSchema} filled in when the statement named no schema. */
  public TableName withDefaultSchema(String defaultSchema) {
    return schema != null || defaultSchema == null ? this : new TableName(defaultSchema, name);
  }

  @Override
  public int compareTo(TableName other) {
    int bySchema = Objects.compare(schema, other.schema,
        (a, b) -> a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b));
    return bySchema != 0 ? bySchema : name.compareTo(other.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableName t && name.equals(t.name) && Objects.equals(schema, t.schema);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hashCode(schema) + name.hashCode();
  }

  /** The name as SQL text that resolves to it, quoting parts that need it. */
  @Override
  public String toString() {
    return schema == null ? quote(name) : quote(schema) + "." + quote(name);
  }

  private static String quote(String part) {
    boolean plain = !part.isEmpty() && Character.isLetter(part.charAt(0));
    for (int i = 0; plain && i < part.length(); i++) {
      char c = part.charAt(i);
      plain = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    return plain ? part : '"' + part.replace("\"", "\"\"") + '"';
  }

  private static int topLevelDot(String text) {
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '.' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  private static String identifier(String part) {
    String p = part.trim();
    if (p.length() >= 2 && p.charAt(0) == '"' && p.charAt(p.length() - 1) == '"') {
      return p.substring(1, p.length() - 1).replace("\"\"", "\"");
    }
    return p.toUpperCase(Locale.ROOT);
  }
}
