package dev.lattice.sql.analysis;

import java.sql.SQLException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Analyzes statements for routing, locking and replication, caching each analysis by its exact
 * text: a repeated statement costs one hash lookup, with no lock and no allocation. Thread-safe.
 *
 * <p>A text seen for the first time that differs from an earlier one only in plain literals
 * ({@code … WHERE id = 1234} after {@code … WHERE id = 5678}) is not parsed again: its analysis is
 * the earlier one's with its own key values (see {@link LiteralShapes}). Such analyses are not
 * cached by text.
 *
 * <p>Each cache (texts, shapes) holds at most {@code cacheSize} entries; when full, a miss evicts
 * about an eighth of them, whichever the map's iteration meets first (close to random). Statements
 * longer than {@link #MAX_CACHED_LENGTH} characters are analyzed every time rather than cached.
 */
public final class StatementAnalyzer {
  /** The cache size of {@link #StatementAnalyzer()}. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;
  /** Longer texts (bulk inserts with inline values, say) are not worth keeping. */
  public static final int MAX_CACHED_LENGTH = 65_536;

  private final BoundedCache<String, StatementAnalysis> cache;
  private final LiteralShapes shapes;
  private final LongAdder classified = new LongAdder();
  private final StatementClassifier classifier;

  /** An analyzer caching up to {@link #DEFAULT_CACHE_SIZE} statements. */
  public StatementAnalyzer() {
    this(DEFAULT_CACHE_SIZE);
  }

  /** An analyzer caching up to {@code cacheSize} statements and shapes; 0 caches none. */
  public StatementAnalyzer(int cacheSize) {
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must not be negative: " + cacheSize);
    }
    this.cache = new BoundedCache<>(cacheSize);
    this.shapes = new LiteralShapes(cacheSize, this::classify);
    this.classifier = new StatementClassifier(new LatticeGrammar());
  }

  /**
   * The analysis of {@code sql}, from the cache when the same text was analyzed before.
   *
   * @throws SQLException only for a statement that is a Lattice statement but malformed
   *     (SQLState 42601, with the parser's message), or one whose expressions nest or chain too deep
   *     for any recursive parser (SQLState 54001, as PostgreSQL's "stack depth limit exceeded");
   *     anything else is classified, never rejected
   */
  public StatementAnalysis analyze(String sql) throws SQLException {
    StatementAnalysis cached = cache.get(sql);
    if (cached != null) {
      return cached;
    }
    if (sql.length() > MAX_CACHED_LENGTH) {
      return classify(sql);
    }
    LiteralShapes.Text shaped = cache.capacity() > 0 ? LiteralShapes.Text.of(sql) : null;
    if (shaped != null) {
      StatementAnalysis instance = shapes.instantiate(shaped);
      if (instance != null) {
        // Not cached by text: re-deriving it is cheap, and distinct literals would crowd out
        // the statements that repeat.
        return instance;
      }
    }
    StatementAnalysis fresh = classify(sql);
    if (shaped != null) {
      shapes.learn(shaped, fresh);
    }
    cache.putIfAbsent(sql, fresh);
    return fresh;
  }

  /** The analysis of {@code sql}, computed afresh (not read from or put into the cache). */
  public StatementAnalysis analyzeUncached(String sql) throws SQLException {
    return classifier.classify(sql);
  }

  /** How many statements the cache holds now. */
  public int cachedStatements() {
    return cache.size();
  }

  /** How many statement shapes the analyzer knows now, reusable or not. */
  int cachedShapes() {
    return shapes.size();
  }

  /** How many texts were classified from scratch (probes of new shapes included). */
  long classified() {
    return classified.sum();
  }

  private StatementAnalysis classify(String sql) throws SQLException {
    classified.increment();
    return classifier.classify(sql);
  }
}
