package dev.lattice.sql.parser;

import dev.lattice.sql.consistency.ConsistencyLevel;
import dev.lattice.sql.consistency.ConsistencySpec;
import dev.lattice.sql.consistency.Fallback;
import dev.lattice.sql.consistency.StalenessUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * What the generated parser's actions call (see {@code includes/parserImpls.ftl}): building
 * Lattice values from words and numbers, and the errors of malformed Lattice statements. Not API.
 */
public final class GrammarActions {
  /** The levels as the grammar accepts them, with their arguments. */
  public static final String LEVELS =
      "EVENTUAL, CONSISTENT_PREFIX, MONOTONIC_READS, READ_YOUR_WRITES, CAUSAL, "
          + "BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS}, STRONG, QUORUM [WRITE <w>] [READ <r>], "
          + "LINEARIZABLE, SERIALIZABLE";

  public static final String USAGE_SET_CONSISTENCY =
      "SET CONSISTENCY <level> | SET CONSISTENCY TIMEOUT <ms> | SET CONSISTENCY FALLBACK "
          + "{PRIMARY|ERROR} | SET CONSISTENCY TOKEN '<token>' | SET consistency {=|TO} "
          + "'<level>', where <level> is one of " + LEVELS;

  public static final String USAGE_ALTER_REPLICA =
      "ALTER REPLICA <name> SET DELAY <ms> | ALTER REPLICA <name> PAUSE | ALTER REPLICA <name> RESUME";

  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

  private static final Set<String> DDL_MODIFIERS = Set.of(
      "CACHED", "MEMORY", "LOCAL", "GLOBAL", "TEMPORARY", "TEMP", "UNIQUE", "HASH", "SPATIAL",
      "FORCE", "UNLOGGED", "LINKED", "EXTERNAL");

  private GrammarActions() {}

  /** True for an unquoted word (identifier or keyword), the only thing level names are made of. */
  public static boolean isWord(String image) {
    return image != null && WORD.matcher(image).matches();
  }

  /** True for a word that may stand between CREATE and the object keyword. */
  public static boolean isDdlModifier(String image) {
    return image != null && DDL_MODIFIERS.contains(image.toUpperCase(Locale.ROOT));
  }

  /** Whether the level words read so far need {@code next} too: they name no level yet. */
  public static boolean continuesLevel(List<String> words, String next) {
    return isWord(next) && ConsistencyLevel.lookup(String.join(" ", words)) == null;
  }

  /** The level the words name, or a syntax error listing the valid levels. */
  public static ConsistencyLevel level(List<String> words, SqlParserPos pos) {
    String text = String.join(" ", words);
    ConsistencyLevel level = ConsistencyLevel.lookup(text);
    if (level == null) {
      throw error("Unknown consistency level '" + text + "'", pos, "Valid levels: " + LEVELS);
    }
    return level;
  }

  /**
   * The spec of {@code level} with the arguments that followed it; {@code bound} is -1 and
   * {@code unit} null when no number followed, {@code write}/{@code read} 0 when not given.
   */
  public static ConsistencySpec levelSpec(ConsistencyLevel level, SqlParserPos pos, long bound,
      String unit, SqlParserPos unitPos, long write, long read) {
    if (level == ConsistencyLevel.BOUNDED_STALENESS) {
      if (bound < 0) {
        throw error("BOUNDED_STALENESS needs a bound", pos,
            "Expected BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS}");
      }
      return ConsistencySpec.boundedStaleness(bound, unit(unit, unitPos));
    }
    if (bound >= 0) {
      throw error(level + " takes no staleness bound", pos,
          "Only BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS} has one");
    }
    if (level == ConsistencyLevel.QUORUM) {
      if (write > Integer.MAX_VALUE || read > Integer.MAX_VALUE) {
        throw error("Quorum size too large", pos, null);
      }
      if (write == 0 || read == 0) {
        // 0 would silently mean the default size, ⌊N/2⌋+1
        throw error("A quorum size must be at least 1", pos,
            "Leave WRITE or READ out for the default, a majority of the replicas");
      }
      return ConsistencySpec.quorum((int) Math.max(write, 0), (int) Math.max(read, 0));
    }
    if (write >= 0 || read >= 0) {
      throw error(level + " takes no quorum sizes", pos,
          "Only QUORUM [WRITE <w>] [READ <r>] has them");
    }
    return ConsistencySpec.of(level);
  }

  /** Fails unless {@code level} takes a staleness bound, before the bound is read. */
  public static void checkBound(ConsistencyLevel level, SqlParserPos pos) {
    if (level != ConsistencyLevel.BOUNDED_STALENESS) {
      throw error(level + " takes no staleness bound", pos,
          "Only BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS} has one");
    }
  }

  public static StalenessUnit unit(String word, SqlParserPos pos) {
    try {
      return StalenessUnit.parse(word);
    } catch (IllegalArgumentException e) {
      throw error("Unknown staleness unit '" + word + "'", pos, "Expected MS, SECONDS or VERSIONS");
    }
  }

  public static Fallback fallback(String word, SqlParserPos pos) {
    try {
      return Fallback.parse(word);
    } catch (IllegalArgumentException e) {
      throw error("Unknown consistency fallback '" + word + "'", pos, "Expected PRIMARY or ERROR");
    }
  }

  /** The spec written as a string, {@code SET consistency = 'bounded_staleness 500 ms'}. */
  public static ConsistencySpec spec(String text, SqlParserPos pos) {
    try {
      return ConsistencySpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw error("Invalid consistency '" + text + "'", pos, e.getMessage());
    }
  }

  /** A non-negative integer token's value. */
  public static long count(String digits, String what, SqlParserPos pos) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw error("Number too large for " + what + ": " + digits, pos, null);
    }
  }

  public static RuntimeException negative(String what, String number, SqlParserPos pos) {
    return error("Expected " + what + ", which must not be negative, but found " + number, pos,
        null);
  }

  /** {@code found} is the unexpected token's text, or null at the end of the statement. */
  public static RuntimeException expected(String what, String found, SqlParserPos pos) {
    return error("Expected " + what + " but found " + describe(found), pos, null);
  }

  public static RuntimeException unexpected(String found, String statement, SqlParserPos pos) {
    return error("Unexpected " + describe(found) + " after " + statement, pos, null);
  }

  /** A statement that started like {@code statement} but broke its grammar. */
  public static RuntimeException invalid(
      String statement, String usage, String found, SqlParserPos pos) {
    return error("Invalid " + statement + " statement: unexpected " + describe(found), pos,
        "Usage: " + usage);
  }

  /**
   * A Lattice syntax error. It travels as a CalciteContextException (so the parser reports its
   * position) around a {@link LatticeSyntaxException}, which SqlParser exposes as the cause of
   * its SqlParseException.
   */
  public static RuntimeException error(String problem, SqlParserPos pos, String hint) {
    String message = problem + " at line " + pos.getLineNum() + ", column " + pos.getColumnNum()
        + (hint == null ? "" : ". " + hint);
    return new CalciteContextException(message, new LatticeSyntaxException(message),
        pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
  }

  private static String describe(String found) {
    return found == null ? "end of statement" : "'" + found + "'";
  }

  /**
   * The original text from (line, column) to the end of {@code sql}, without trailing blanks and
   * semicolons; positions are 1-based as JavaCC counts them (tab size 1, CR, LF or CRLF ends a
   * line).
   */
  public static String textFrom(String sql, int line, int column) {
    return trimEnd(sql.substring(offset(sql, line, column)));
  }

  /** The original text between two token positions, inclusive. */
  public static String text(String sql, int beginLine, int beginColumn, int endLine,
      int endColumn) {
    return sql.substring(offset(sql, beginLine, beginColumn), offset(sql, endLine, endColumn) + 1);
  }

  private static int offset(String sql, int line, int column) {
    int i = 0;
    for (int l = 1; l < line && i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\n' || c == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n')) {
        l++;
      }
    }
    return Math.min(i + column - 1, sql.length());
  }

  private static String trimEnd(String s) {
    int end = s.length();
    while (end > 0 && (Character.isWhitespace(s.charAt(end - 1)) || s.charAt(end - 1) == ';')) {
      end--;
    }
    return s.substring(0, end);
  }
}
