package dev.lattice.sql.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * A statement's tokens, split at {@code ;} into statements, with the text rewritten for Calcite:
 * every marker becomes a plain {@code ?} (so {@code $n} parses and Calcite's marker index maps
 * back to the parameter number), and separators and an optional clause can be blanked out.
 * Offsets stay as in the original, so parser positions still point at the user's text.
 */
final class StatementText {
  final String sql;
  final List<SqlToken> tokens;
  final List<List<SqlToken>> statements;
  final List<ParameterMarker> markers;

  private StatementText(String sql, List<SqlToken> tokens) {
    this.sql = sql;
    this.tokens = tokens;
    this.statements = split(tokens);
    List<ParameterMarker> found = new ArrayList<>();
    for (SqlToken t : tokens) {
      if (t.type == SqlToken.Type.PARAM) {
        found.add(new ParameterMarker(t.start, t.end - t.start, Math.max(1, t.param)));
      }
    }
    this.markers = List.copyOf(found);
  }

  static StatementText of(String sql) {
    return new StatementText(sql, SqlLexer.lex(sql));
  }

  private static List<List<SqlToken>> split(List<SqlToken> tokens) {
    List<List<SqlToken>> out = new ArrayList<>(1);
    int from = 0;
    for (int i = 0; i <= tokens.size(); i++) {
      if (i == tokens.size() || tokens.get(i).isSymbol(';')) {
        if (i > from) {
          out.add(tokens.subList(from, i));
        }
        from = i + 1;
      }
    }
    return out;
  }

  /** The parameter number of Calcite's 0-based marker {@code index}. */
  int parameterNumber(int index) {
    return index < markers.size() ? markers.get(index).number() : index + 1;
  }

  /** The text Calcite parses: markers as {@code ?}, separators and {@code blank} as spaces. */
  String forParser(List<SqlToken> blank) {
    char[] text = sql.toCharArray();
    for (SqlToken t : tokens) {
      if (t.type == SqlToken.Type.PARAM) {
        text[t.start] = '?';
        fill(text, t.start + 1, t.end);
      } else if (t.isSymbol(';')) {
        text[t.start] = ' ';
      }
    }
    for (SqlToken t : blank) {
      fill(text, t.start, t.end);
    }
    return new String(text);
  }

  private static void fill(char[] text, int from, int to) {
    for (int i = from; i < to; i++) {
      text[i] = ' ';
    }
  }
}
