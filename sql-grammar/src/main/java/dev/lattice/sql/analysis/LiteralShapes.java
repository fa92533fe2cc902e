package dev.lattice.sql.analysis;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One analysis per statement shape, not per text: statements that differ only in plain literals
 * ({@code … WHERE id = 1234}, {@code … WHERE id = 5678}, as PostgreSQL's simple query protocol and
 * JDBC statements with inline values send them) share the analysis of the first, with their own
 * literals in its key predicates, instead of a Calcite parse each.
 *
 * <p>A text's shape is the text itself with each plain literal cut out: a number of digits only
 * (one slot per magnitude: int, long, beyond, as the grammar reads some integers as ints), and a
 * {@code '…'} string, unless the parser checks its value (after INTERVAL, DATE, JDBC's
 * {@code {d '…'}}, UESCAPE, or another string). Whitespace, comments and case stay, since the parser reads them
 * ({@code <>} is not {@code < >}, a comment may be a hint). Texts with parameter markers have no
 * shape.
 *
 * <p>The first analysis of a shape is its template if it is a parsed QUERY or DML whose every
 * literal key value comes from exactly one literal slot with an equal Java value (a value found in
 * two slots is ambiguous: the shape waits for another text). When a second text of the shape comes
 * (a shape seen once costs nothing more), a probe confirms the template: the first text with every
 * slot replaced by an unusual value of its kind (the largest ints of its magnitude; a string with
 * a quote and a non-Latin-1 letter) is classified, and must give what the template gives for it.
 * The probe rejects key values computed from a literal ({@code -0} is 0, the literal's value, but
 * {@code -7} is not 7), values that only coincide with a slot's ({@code 5.} or {@code N'x'} beside
 * a {@code 5} or {@code 'x'}), and literals the parser checks beyond those above, if it rejects
 * the probe's values.
 * Shapes it rejects, and other kinds, are remembered as not reusable and classified as before.
 *
 * <p>Key predicates depend on which values are equal in one place: an UPDATE's {@code SET k = v}
 * adds {@code v} unless it is among {@code k}'s values already. So a text whose slots feeding key
 * values hold equal values is classified afresh, as every template's are distinct.
 */
final class LiteralShapes {
  /** Classifies a statement from scratch. */
  @FunctionalInterface
  interface Classifier {
    StatementAnalysis classify(String sql) throws SQLException;
  }

  /** Stands for a cut-out literal in a shape; texts holding it have no shape. */
  private static final char SLOT = '\0';
  private static final char INT = 'i';
  private static final char LONG = 'l';
  private static final char BIG = 'b';
  private static final char STRING = 's';
  private static final BigDecimal BIG_PROBE = new BigDecimal("1000000000000000000000000000000");

  private final BoundedCache<String, Shape> shapes;
  private final Classifier classifier;

  LiteralShapes(int capacity, Classifier classifier) {
    this.shapes = new BoundedCache<>(capacity);
    this.classifier = classifier;
  }

  /** How many shapes are known, reusable or not. */
  int size() {
    return shapes.size();
  }

  /**
   * The analysis of {@code text} from its shape's template, or {@code null} when the shape has no
   * template or the text's key values are not all distinct. The second text of a shape has its
   * template probed first (a shape seen once costs no probe).
   */
  StatementAnalysis instantiate(Text text) {
    Shape shape = shapes.get(text.key);
    if (shape == null || shape.template == null) {
      return null;
    }
    if (shape.first != null) {
      Shape probed = shape.probe(classifier);
      shapes.replace(text.key, shape, probed);
      if (probed.template == null) {
        return null;
      }
      shape = probed;
    }
    return shape.instantiate(text);
  }

  /** Keeps {@code analysis}, classified from {@code text}, as its shape's template if it can be. */
  void learn(Text text, StatementAnalysis analysis) {
    if (shapes.get(text.key) == null) {
      Shape shape = Shape.of(text, analysis);
      if (shape != null) {
        shapes.putIfAbsent(text.key, shape);
      }
    }
  }

  /** A statement text cut into its shape and its plain literals. */
  static final class Text {
    final String sql;
    final String key;
    private final List<SqlToken> literals;
    private final char[] kinds;

    private Text(String sql, String key, List<SqlToken> literals, char[] kinds) {
      this.sql = sql;
      this.key = key;
      this.literals = literals;
      this.kinds = kinds;
    }

    /** The shape of {@code sql}, or {@code null} when it has none. */
    static Text of(String sql) {
      if (sql.indexOf(SLOT) >= 0) {
        return null;
      }
      List<SqlToken> tokens = SqlLexer.lex(sql);
      List<SqlToken> literals = new ArrayList<>();
      StringBuilder key = null;
      char[] kinds = new char[8];
      int copied = 0;
      for (int i = 0; i < tokens.size(); i++) {
        SqlToken t = tokens.get(i);
        char kind;
        if (t.type == SqlToken.Type.PARAM) {
          return null;
        } else if (t.type == SqlToken.Type.NUMBER && isDigits(t.text)) {
          kind = magnitude(number(t.text));
        } else if (t.type == SqlToken.Type.STRING && isPlainString(sql, t)
            && !isCheckedByParser(tokens, i)) {
          kind = STRING;
        } else {
          continue;
        }
        if (key == null) {
          key = new StringBuilder(sql.length() + 8);
        }
        key.append(sql, copied, t.start).append(SLOT).append(kind);
        copied = t.end;
        if (literals.size() == kinds.length) {
          kinds = Arrays.copyOf(kinds, kinds.length * 2);
        }
        kinds[literals.size()] = kind;
        literals.add(t);
      }
      if (key == null) {
        return null;
      }
      key.append(sql, copied, sql.length());
      return new Text(sql, key.toString(), literals, kinds);
    }

    int size() {
      return literals.size();
    }

    /** The Java value of literal {@code i}, as {@link KeyValues} gives it from the parsed tree. */
    Object value(int i) {
      String text = literals.get(i).text;
      return kinds[i] == STRING ? text : number(text);
    }

    /** Literal {@code i}'s value (from {@link #value}) as a parameter: typed as the parser types the literal. */
    Object parameterValue(int i, Object value) {
      return kinds[i] == INT ? Integer.valueOf(((Long) value).intValue()) : value;
    }

    /** This text with a {@code ?} for each literal. */
    String parameterized() {
      StringBuilder out = new StringBuilder(sql.length());
      int copied = 0;
      for (SqlToken t : literals) {
        out.append(sql, copied, t.start).append('?');
        copied = t.end;
      }
      return out.append(sql, copied, sql.length()).toString();
    }

    /** This text with literal {@code i} replaced by {@code values[i]}, of the same kind. */
    String with(Object[] values) {
      StringBuilder out = new StringBuilder(sql.length() + 32 * values.length);
      int copied = 0;
      for (int i = 0; i < literals.size(); i++) {
        SqlToken t = literals.get(i);
        out.append(sql, copied, t.start);
        if (values[i] instanceof String s) {
          out.append('\'').append(s.replace("'", "''")).append('\'');
        } else {
          out.append(values[i]);
        }
        copied = t.end;
      }
      return out.append(sql, copied, sql.length()).toString();
    }

    /** Values of the kinds of this text's literals, unlike each other and any of its own. */
    Object[] probe() {
      Set<Object> own = new HashSet<>();
      for (int i = 0; i < size(); i++) {
        own.add(value(i));
      }
      Object[] values = new Object[size()];
      long next = 0;
      for (int i = 0; i < values.length; i++) {
        Object v;
        do {
          next++;
          v = switch (kinds[i]) {
            case INT -> Integer.MAX_VALUE - next;
            case LONG -> Long.MAX_VALUE - next;
            case BIG -> BIG_PROBE.add(BigDecimal.valueOf(next));
            default -> "probe'\u4e2d" + next;
          };
        } while (own.contains(v));
        values[i] = v;
      }
      return values;
    }
  }

  /** A shape's template and where each of its literal key values comes from. */
  private static final class Shape {
    private static final Shape NOT_REUSABLE = new Shape(null, null, null, null, null);

    /** The analysis of the shape's first text, or {@code null} when the shape is not reusable. */
    final StatementAnalysis template;
    /** Per key predicate and value: the literal it comes from, or -1 for SQL NULL. */
    private final int[][] slots;
    /** The literals that feed key values, each once. */
    private final int[] used;
    /** The text of the template while it waits for its probe; {@code null} once probed. */
    final Text first;
    /**
     * The shape's texts with a {@code ?} for each literal, when every literal feeds a key value
     * (the rest of the text is the same in all of them); else null.
     */
    private final String parameterized;

    private Shape(StatementAnalysis template, int[][] slots, int[] used, Text first, String parameterized) {
      this.template = template;
      this.slots = slots;
      this.used = used;
      this.first = first;
      this.parameterized = parameterized;
    }

    /**
     * The shape {@code analysis} of {@code text} may be a template for (still to be probed),
     * {@link #NOT_REUSABLE}, or {@code null} when a key value is found in two literals (another
     * text may tell them apart).
     */
    static Shape of(Text text, StatementAnalysis analysis) {
      if (!analysis.parsed() || !analysis.parameterMarkers().isEmpty()
          || (analysis.kind() != StatementKind.QUERY && analysis.kind() != StatementKind.DML)) {
        return NOT_REUSABLE;
      }
      Map<Object, Integer> literalOf = new HashMap<>();
      for (int i = 0; i < text.size(); i++) {
        literalOf.merge(text.value(i), i, (a, b) -> -2);
      }
      List<KeyPredicate> predicates = analysis.keyPredicates();
      int[][] slots = new int[predicates.size()][];
      Set<Integer> used = new HashSet<>();
      for (int p = 0; p < slots.length; p++) {
        List<KeyValue> values = predicates.get(p).values();
        slots[p] = new int[values.size()];
        for (int v = 0; v < values.size(); v++) {
          if (!(values.get(v) instanceof KeyValue.Literal literal)) {
            return NOT_REUSABLE;
          }
          if (literal.value() == null) {
            slots[p][v] = -1; // the word NULL: the same in every text of the shape
            continue;
          }
          Integer slot = literalOf.get(literal.value());
          if (slot == null) {
            return NOT_REUSABLE;
          }
          if (slot < 0) {
            return null;
          }
          slots[p][v] = slot;
          used.add(slot);
        }
      }
      return new Shape(analysis, slots, used.stream().mapToInt(Integer::intValue).sorted().toArray(), text,
          used.size() == text.size() ? text.parameterized() : null);
    }

    /**
     * This shape probed: the first text with unusual literals must be analyzed as this template
     * derives it; then the shape is reusable, else {@link #NOT_REUSABLE}.
     */
    Shape probe(Classifier classifier) {
      Shape probed = new Shape(template, slots, used, null, parameterized);
      String probe = first.with(first.probe());
      try {
        StatementAnalysis expected = classifier.classify(probe);
        StatementAnalysis derived = probed.instantiate(Text.of(probe));
        return derived != null && derived.sameAnalysisAs(expected) ? probed : NOT_REUSABLE;
      } catch (SQLException | RuntimeException unusual) {
        return NOT_REUSABLE;
      }
    }

    /** The template with {@code text}'s literals, or null if its key values are not distinct. */
    StatementAnalysis instantiate(Text text) {
      Object[] values = new Object[text.size()];
      for (int i : used) {
        values[i] = text.value(i);
      }
      if (used.length > 1) {
        Set<Object> distinct = new HashSet<>(used.length * 2);
        for (int i : used) {
          if (!distinct.add(values[i])) {
            return null;
          }
        }
      }
      List<KeyPredicate> predicates = template.keyPredicates();
      List<KeyPredicate> replaced = new ArrayList<>(predicates.size());
      for (int p = 0; p < slots.length; p++) {
        KeyPredicate predicate = predicates.get(p);
        List<KeyValue> keyValues = new ArrayList<>(slots[p].length);
        for (int v = 0; v < slots[p].length; v++) {
          int slot = slots[p][v];
          keyValues.add(slot < 0 ? predicate.values().get(v) : new KeyValue.Literal(values[slot]));
        }
        replaced.add(new KeyPredicate(predicate.table(), predicate.column(), keyValues));
      }
      LiteralParameters parameters = null;
      if (parameterized != null) {
        List<Object> bound = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
          bound.add(text.parameterValue(i, values[i])); // every literal is a used one here
        }
        parameters = new LiteralParameters(parameterized, bound);
      }
      return template.withLiterals(text.sql, replaced, parameters);
    }
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code t} is a closed {@code '…'} string: it starts with a quote (not E'', N'', X'',
   * U&'' or $$) and holds an even number of quotes (an unclosed one, at the end, holds an odd one).
   */
  private static boolean isPlainString(String sql, SqlToken t) {
    if (sql.charAt(t.start) != '\'') {
      return false;
    }
    int quotes = 0;
    for (int i = t.start; i < t.end; i++) {
      if (sql.charAt(i) == '\'') {
        quotes++;
      }
    }
    return quotes % 2 == 0;
  }

  /** Words before a string whose value the parser reads: typed literals, escapes, UESCAPE. */
  private static final Set<String> TYPING_WORDS = Set.of("DATE", "TIME", "TIMESTAMP", "DATETIME",
      "UUID", "ZONE", "INTERVAL", "UESCAPE", "D", "T", "TS");

  /**
   * Whether the string at {@code i} is one the parser checks or converts as it reads it: after a
   * typing word ({@code INTERVAL ''} is rejected, {@code {d 'x'}} too) or a sign after
   * {@code INTERVAL}, and a string continuing another ({@code X'01' '02'} must be hex).
   */
  private static boolean isCheckedByParser(List<SqlToken> tokens, int i) {
    if (i == 0) {
      return false;
    }
    SqlToken before = tokens.get(i - 1);
    if (before.type == SqlToken.Type.STRING
        || before.type == SqlToken.Type.WORD && TYPING_WORDS.contains(before.text)) {
      return true;
    }
    return (before.isSymbol('-') || before.isSymbol('+')) && i >= 2
        && tokens.get(i - 2).isWord("INTERVAL");
  }

  /** Digits as {@link KeyValues} reads an exact number: a Long, or a BigDecimal beyond one. */
  private static Object number(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException tooBig) {
      return new BigDecimal(digits);
    }
  }

  private static char magnitude(Object number) {
    if (number instanceof Long n) {
      return n <= Integer.MAX_VALUE ? INT : LONG;
    }
    return BIG;
  }
}
