package dev.lattice.sql.analysis;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Prints what the statement analysis costs per statement: from the cache (the hot path: the
 * driver looks the analysis up for every statement) and from scratch. Not a test; run:
 *
 * <pre>
 * cd /work/main && mvn -B -q -pl sql-grammar test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt
 * java -cp sql-grammar/target/classes:sql-grammar/target/test-classes:$(cat sql-grammar/target/cp.txt) \
 *     dev.lattice.sql.analysis.AnalysisCostBenchmark
 * </pre>
 */
public final class AnalysisCostBenchmark {
  private static final String[][] STATEMENTS = {
      {"point select (Hibernate)",
          "select a1_0.id,a1_0.name,a1_0.version from Author a1_0 where a1_0.id=?"},
      {"pgbench UPDATE ($n)",
          "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2"},
      {"INSERT (Hibernate)",
          "insert into Book (author_id,isbn,published,title,id) values (?,?,?,?,?)"},
      {"join + paging (Hibernate)",
          "select b1_0.id,a1_0.id,a1_0.name,b1_0.title from Book b1_0 left join Author a1_0 "
              + "on a1_0.id=b1_0.author_id where b1_0.title like ? escape '' "
              + "order by b1_0.title offset ? rows fetch first ? rows only"},
      {"SET CONSISTENCY", "SET CONSISTENCY READ_YOUR_WRITES"},
      {"H2 MERGE ... KEY (unparsed)",
          "MERGE INTO accounts (id, owner) KEY (id) VALUES (?, ?)"},
  };

  private static final int ROUNDS = 5;
  private static long sink;

  private AnalysisCostBenchmark() {}

  public static void main(String[] args) throws SQLException {
    StatementAnalyzer analyzer = new StatementAnalyzer();
    // Warm up every path first, so the JIT has compiled them all before anything is timed.
    for (int round = 0; round < 3; round++) {
      for (String[] s : STATEMENTS) {
        uncached(analyzer, s[1], 10_000);
        cached(analyzer, s[1], 1_000_000);
        cachedFreshString(analyzer, s[1], 200_000);
        freshStringAlone(s[1], 200_000);
      }
    }
    System.out.printf(Locale.ROOT, "best of %d rounds, ns per statement%n", ROUNDS);
    System.out.printf(Locale.ROOT, "%-28s %8s %22s %12s%n",
        "statement", "cached", "cached, new String (*)", "uncached");
    for (String[] s : STATEMENTS) {
      double uncached = Double.MAX_VALUE;
      double cached = Double.MAX_VALUE;
      double fresh = Double.MAX_VALUE;
      for (int round = 0; round < ROUNDS; round++) {
        uncached = Math.min(uncached, uncached(analyzer, s[1], 20_000));
        cached = Math.min(cached, cached(analyzer, s[1], 10_000_000));
        fresh = Math.min(fresh,
            cachedFreshString(analyzer, s[1], 2_000_000) - freshStringAlone(s[1], 2_000_000));
      }
      System.out.printf(Locale.ROOT, "%-28s %8.1f %22.1f %12.0f%n", s[0], cached, fresh, uncached);
    }
    System.out.println("(*) an equal String built anew for each call, as text decoded from the wire"
        + " arrives: its hash is computed and its text compared; building it is not counted.");
    if (sink == 42) {
      System.out.println();
    }
  }

  /** Nanoseconds per analysis computed afresh. */
  private static double uncached(StatementAnalyzer analyzer, String sql, int n)
      throws SQLException {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += analyzer.analyzeUncached(sql).kind().ordinal();
    }
    return (System.nanoTime() - start) / (double) n;
  }

  /** Nanoseconds per cached lookup with the same String (its hash already computed). */
  private static double cached(StatementAnalyzer analyzer, String sql, int n)
      throws SQLException {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += analyzer.analyze(sql).kind().ordinal();
    }
    return (System.nanoTime() - start) / (double) n;
  }

  /** Nanoseconds per cached lookup with an equal String built anew for each call. */
  private static double cachedFreshString(StatementAnalyzer analyzer, String sql, int n)
      throws SQLException {
    char[] chars = sql.toCharArray();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += analyzer.analyze(new String(chars)).kind().ordinal();
    }
    return (System.nanoTime() - start) / (double) n;
  }

  /** Nanoseconds to build the String alone, subtracted from {@link #cachedFreshString}. */
  private static double freshStringAlone(String sql, int n) {
    char[] chars = sql.toCharArray();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += new String(chars).length();
    }
    return (System.nanoTime() - start) / (double) n;
  }
}
