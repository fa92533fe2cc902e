package dev.lattice.sql.consistency;

/** Reads a {@link ConsistencySpec} from text such as {@code bounded_staleness 500 ms}. */
final class SpecText {
  private static final String USAGE =
      "expected a consistency level (" + ConsistencyLevel.names()
          + "), BOUNDED_STALENESS <n> {MS|SECONDS|VERSIONS} or QUORUM [WRITE <w>] [READ <r>]";

  private final String text;
  private final String[] words;
  private int next;

  SpecText(String text) {
    this.text = text;
    // "500ms" is read as "500 ms"
    String spaced = text == null ? "" : text.trim().replaceAll("(\\d)([A-Za-z])", "$1 $2");
    this.words = spaced.isEmpty() ? new String[0] : spaced.split("[\\s,]+");
  }

  ConsistencySpec parse() {
    if (words.length == 0) {
      throw new IllegalArgumentException("Empty consistency level; " + USAGE);
    }
    ConsistencyLevel level = ConsistencyLevel.parse(levelWords());
    final ConsistencySpec spec;
    switch (level) {
      case BOUNDED_STALENESS:
        long bound = count("a staleness bound after BOUNDED_STALENESS");
        if (next >= words.length) {
          throw new IllegalArgumentException(
              "Missing staleness unit after BOUNDED_STALENESS " + bound
                  + "; valid units are MS, SECONDS, VERSIONS");
        }
        spec = ConsistencySpec.boundedStaleness(bound, StalenessUnit.parse(words[next++]));
        break;
      case QUORUM:
        int write = 0;
        int read = 0;
        if (next < words.length && words[next].equalsIgnoreCase("WRITE")) {
          next++;
          write = quorumSize("a write quorum size after WRITE");
        }
        if (next < words.length && words[next].equalsIgnoreCase("READ")) {
          next++;
          read = quorumSize("a read quorum size after READ");
        }
        spec = ConsistencySpec.quorum(write, read);
        break;
      default:
        spec = ConsistencySpec.of(level);
    }
    if (next < words.length) {
      throw new IllegalArgumentException(
          "Unexpected '" + words[next] + "' after " + spec + " in consistency '" + text + "'");
    }
    return spec;
  }

  /** Words up to the first number, stopping early once they name a level. */
  private String levelWords() {
    StringBuilder b = new StringBuilder();
    while (next < words.length && !isNumber(words[next])) {
      if (b.length() > 0) {
        if (ConsistencyLevel.lookup(b.toString()) != null) {
          break;
        }
        b.append(' ');
      }
      b.append(words[next++]);
    }
    return b.toString();
  }

  private long count(String what) {
    if (next >= words.length) {
      throw new IllegalArgumentException("Missing " + what + " in consistency '" + text + "'");
    }
    String word = words[next++];
    if (!isNumber(word)) {
      throw new IllegalArgumentException(
          "Expected " + what + " (a non-negative integer) but found '" + word + "'");
    }
    if (word.startsWith("-")) {
      throw new IllegalArgumentException(
          "Expected " + what + " but found a negative number: " + word);
    }
    try {
      return Long.parseLong(word);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Number too large for " + what + ": " + word, e);
    }
  }

  private int quorumSize(String what) {
    long n = count(what);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Number too large for " + what + ": " + n);
    }
    if (n == 0) {
      // 0 would silently mean the default size, ⌊N/2⌋+1
      throw new IllegalArgumentException("A quorum size must be at least 1, not 0 for " + what
          + "; leave WRITE or READ out for the default");
    }
    return (int) n;
  }

  private static boolean isNumber(String word) {
    return word.matches("-?\\d+");
  }
}
