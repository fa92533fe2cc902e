package dev.lattice.sql.analysis;

/** One token of statement text; comments and whitespace are not tokens. */
final class SqlToken {
  enum Type {
    /** An unquoted word (keyword or identifier); {@link #text} is upper-cased. */
    WORD,
    /** A double-quoted (or back-quoted) identifier; {@link #text} is its unescaped content. */
    QUOTED,
    /** A string literal of any kind: '…', E'…', N'…', X'…', $$…$$, $tag$…$tag$. */
    STRING,
    NUMBER,
    /** A parameter marker: ?, ?n or $n; {@link #param} is its number. */
    PARAM,
    /** One punctuation or operator character; {@link #text} is that character. */
    SYMBOL
  }

  final Type type;
  final int start;
  final int end;
  final String text;
  final int param;

  SqlToken(Type type, int start, int end, String text, int param) {
    this.type = type;
    this.start = start;
    this.end = end;
    this.text = text;
    this.param = param;
  }

  boolean isWord(String upper) {
    return type == Type.WORD && text.equals(upper);
  }

  boolean isSymbol(char c) {
    return type == Type.SYMBOL && text.charAt(0) == c;
  }

  boolean isName() {
    return type == Type.WORD || type == Type.QUOTED;
  }

  @Override
  public String toString() {
    return type + ":" + text;
  }
}
