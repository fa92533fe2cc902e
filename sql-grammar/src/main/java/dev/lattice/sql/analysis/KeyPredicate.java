package dev.lattice.sql.analysis;

import java.util.List;
import java.util.Objects;

/**
 * A key-equality restriction: every row of {@code table} that the statement reads or writes has
 * {@code column} equal to one of {@code values}. Locking turns it into row locks when the column
 * is (part of) the table's primary key; without one, it locks the table.
 */
public record KeyPredicate(TableName table, String column, List<KeyValue> values) {
  public KeyPredicate {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(column, "column");
    values = List.copyOf(values);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a key predicate needs at least one value");
    }
  }

  /** Whether any value is a parameter, so the rows are known only once parameters are bound. */
  public boolean hasParameters() {
    for (KeyValue v : values) {
      if (v.isParameter()) {
        return true;
      }
    }
    return false;
  }
}
