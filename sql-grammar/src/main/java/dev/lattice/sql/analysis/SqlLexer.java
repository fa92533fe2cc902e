package dev.lattice.sql.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits statement text into tokens the way H2 and PostgreSQL would, so that comments, string
 * literals (including {@code $$…$$}), and quoted identifiers never look like keywords, table
 * names, statement separators or parameter markers.
 */
final class SqlLexer {
  private final String sql;
  private final List<SqlToken> tokens = new ArrayList<>();
  private int pos;
  private int jdbcMarkers;

  private SqlLexer(String sql) {
    this.sql = sql;
  }

  static List<SqlToken> lex(String sql) {
    SqlLexer lexer = new SqlLexer(sql);
    lexer.run();
    return lexer.tokens;
  }

  private void run() {
    int n = sql.length();
    while (pos < n) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '-' && peek(1) == '-') {
        skipLineComment();
      } else if (c == '/' && peek(1) == '*') {
        skipBlockComment();
      } else if (c == '\'') {
        quoted(pos, pos, '\'', SqlToken.Type.STRING, false);
      } else if (c == '"' || c == '`') {
        quoted(pos, pos, c, SqlToken.Type.QUOTED, false);
      } else if (c == '$') {
        dollar();
      } else if (c == '?') {
        questionMark();
      } else if (c >= '0' && c <= '9') {
        number();
      } else if (Character.isLetter(c) || c == '_') {
        word();
      } else {
        add(SqlToken.Type.SYMBOL, pos, pos + 1, String.valueOf(c), 0);
        pos++;
      }
    }
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < sql.length() ? sql.charAt(i) : '\0';
  }

  private void add(SqlToken.Type type, int start, int end, String text, int param) {
    tokens.add(new SqlToken(type, start, end, text, param));
  }

  private void skipLineComment() {
    int eol = sql.indexOf('\n', pos);
    pos = eol < 0 ? sql.length() : eol + 1;
  }

  private void skipBlockComment() {
    int depth = 0;
    int n = sql.length();
    while (pos < n) {
      if (sql.startsWith("/*", pos)) {
        depth++;
        pos += 2;
      } else if (sql.startsWith("*/", pos)) {
        pos += 2;
        if (--depth == 0) {
          return;
        }
      } else {
        pos++;
      }
    }
  }

  /** A literal or identifier closed by {@code quote}, with the quote doubled inside. */
  private void quoted(int tokenStart, int quoteAt, char quote, SqlToken.Type type,
      boolean backslashEscapes) {
    StringBuilder text = new StringBuilder();
    int i = quoteAt + 1;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\' && i + 1 < n) {
        text.append(sql.charAt(i + 1));
        i += 2;
      } else if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          text.append(quote);
          i += 2;
        } else {
          i++;
          break;
        }
      } else {
        text.append(c);
        i++;
      }
    }
    pos = i;
    add(type, tokenStart, i, text.toString(), 0);
  }

  private void dollar() {
    int start = pos;
    if (Character.isDigit(peek(1))) {
      int i = pos + 1;
      while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
        i++;
      }
      pos = i;
      add(SqlToken.Type.PARAM, start, i, sql.substring(start, i), parseNumber(start + 1, i));
      return;
    }
    int i = pos + 1;
    while (i < sql.length() && isTagChar(sql.charAt(i), i == pos + 1)) {
      i++;
    }
    if (i < sql.length() && sql.charAt(i) == '$') {
      String delimiter = sql.substring(start, i + 1);
      int close = indexOfDelimiter(sql, delimiter, i + 1);
      int end = close < 0 ? sql.length() : close + delimiter.length();
      String body = sql.substring(i + 1, close < 0 ? sql.length() : close);
      pos = end;
      add(SqlToken.Type.STRING, start, end, body, 0);
      return;
    }
    add(SqlToken.Type.SYMBOL, start, start + 1, "$", 0);
    pos++;
  }

  /**
   * Where {@code $tag$} next occurs: String.indexOf compares naively (length × tag length on a
   * crafted text), while a tag holds no {@code $}, so trying it only at each {@code $} is linear.
   */
  static int indexOfDelimiter(String s, String delimiter, int from) {
    int i = s.indexOf('$', from);
    while (i >= 0) {
      if (s.startsWith(delimiter, i)) {
        return i;
      }
      i = s.indexOf('$', i + 1);
    }
    return -1;
  }

  private static boolean isTagChar(char c, boolean first) {
    return Character.isLetter(c) || c == '_' || (!first && Character.isDigit(c));
  }

  private void questionMark() {
    int start = pos;
    int i = pos + 1;
    while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
      i++;
    }
    int number = i > start + 1 ? parseNumber(start + 1, i) : ++jdbcMarkers;
    pos = i;
    add(SqlToken.Type.PARAM, start, i, sql.substring(start, i), number);
  }

  private int parseNumber(int from, int to) {
    try {
      return Integer.parseInt(sql, from, to, 10);
    } catch (NumberFormatException tooBig) {
      return Integer.MAX_VALUE;
    }
  }

  private void number() {
    int start = pos;
    int n = sql.length();
    int i = pos;
    while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.'
        || ((sql.charAt(i) == '+' || sql.charAt(i) == '-')
            && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')))) {
      i++;
    }
    pos = i;
    add(SqlToken.Type.NUMBER, start, i, sql.substring(start, i), 0);
  }

  private void word() {
    int start = pos;
    int n = sql.length();
    int i = pos + 1;
    while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
        || sql.charAt(i) == '$')) {
      i++;
    }
    String upper = sql.substring(start, i).toUpperCase(Locale.ROOT);
    char next = i < n ? sql.charAt(i) : '\0';
    if (next == '\'' && (upper.equals("E") || upper.equals("N") || upper.equals("X")
        || upper.equals("B"))) {
      quoted(start, i, '\'', SqlToken.Type.STRING, upper.equals("E"));
      return;
    }
    if (upper.equals("U") && next == '&' && i + 1 < n
        && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
      char quote = sql.charAt(i + 1);
      quoted(start, i + 1, quote,
          quote == '"' ? SqlToken.Type.QUOTED : SqlToken.Type.STRING, false);
      return;
    }
    pos = i;
    add(SqlToken.Type.WORD, start, i, upper, 0);
  }
}
