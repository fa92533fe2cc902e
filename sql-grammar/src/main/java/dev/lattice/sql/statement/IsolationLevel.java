package dev.lattice.sql.statement;

import java.sql.Connection;

/** An SQL isolation level named in {@code BEGIN}, {@code START TRANSACTION} or {@code SET TRANSACTION}. */
public enum IsolationLevel {
  READ_UNCOMMITTED("READ UNCOMMITTED", Connection.TRANSACTION_READ_UNCOMMITTED),
  READ_COMMITTED("READ COMMITTED", Connection.TRANSACTION_READ_COMMITTED),
  REPEATABLE_READ("REPEATABLE READ", Connection.TRANSACTION_REPEATABLE_READ),
  SERIALIZABLE("SERIALIZABLE", Connection.TRANSACTION_SERIALIZABLE);

  private final String sql;
  private final int jdbcLevel;

  IsolationLevel(String sql, int jdbcLevel) {
    this.sql = sql;
    this.jdbcLevel = jdbcLevel;
  }

  /** The level as written after {@code ISOLATION LEVEL}, e.g. {@code REPEATABLE READ}. */
  public String sql() {
    return sql;
  }

  /** The matching {@code java.sql.Connection.TRANSACTION_*} constant. */
  public int jdbcLevel() {
    return jdbcLevel;
  }

  /**
   * The level of a {@code java.sql.Connection.TRANSACTION_*} constant.
   *
   * @throws IllegalArgumentException for {@code TRANSACTION_NONE} or an unknown value
   */
  public static IsolationLevel fromJdbc(int jdbcLevel) {
    for (IsolationLevel level : values()) {
      if (level.jdbcLevel == jdbcLevel) {
        return level;
      }
    }
    throw new IllegalArgumentException("Not a JDBC transaction isolation level: " + jdbcLevel);
  }
}
