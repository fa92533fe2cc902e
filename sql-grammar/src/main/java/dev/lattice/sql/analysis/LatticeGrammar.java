package dev.lattice.sql.analysis;

import dev.lattice.sql.parser.LatticeParsers;
import dev.lattice.sql.parser.LatticeSyntaxException;
import java.util.List;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/** Parses a statement with Lattice's Calcite grammar, telling rejected SQL from bad Lattice. */
final class LatticeGrammar {
  private final SqlParser.Config config;

  LatticeGrammar() {
    this(LatticeParsers.CONFIG);
  }

  LatticeGrammar(SqlParser.Config config) {
    this.config = config;
  }

  /**
   * The parsed statement, or {@code null} when the grammar rejects it.
   *
   * @throws LatticeSyntaxException (SQLState 42601) when the statement starts like a Lattice
   *     statement but does not follow its grammar
   */
  SqlNode parse(String text, List<SqlToken> tokens) throws LatticeSyntaxException {
    try {
      return SqlParser.create(text, config).parseStmt();
    } catch (SqlParseException rejected) {
      LatticeSyntaxException lattice = LatticeSyntaxException.latticeCause(rejected);
      if (lattice != null) {
        throw lattice;
      }
      if (isLatticeStatement(tokens)) {
        throw LatticeSyntaxException.from(rejected);
      }
      return null;
    } catch (RuntimeException rejected) {
      if (isLatticeStatement(tokens)) {
        throw new LatticeSyntaxException(String.valueOf(rejected.getMessage()), rejected);
      }
      return null;
    }
  }

  /**
   * Whether the leading words are those of a Lattice statement (SPEC §3): SET CONSISTENCY …,
   * SHOW CONSISTENCY | REPLICAS | STATS | LOCKS, ALTER REPLICA ….
   */
  static boolean isLatticeStatement(List<SqlToken> tokens) {
    if (tokens.size() < 2) {
      return false;
    }
    SqlToken first = tokens.get(0);
    SqlToken second = tokens.get(1);
    if (first.isWord("SET")) {
      return second.isWord("CONSISTENCY");
    }
    if (first.isWord("SHOW")) {
      return second.isWord("CONSISTENCY") || second.isWord("REPLICAS")
          || second.isWord("STATS") || second.isWord("LOCKS");
    }
    return first.isWord("ALTER") && second.isWord("REPLICA");
  }
}
