package dev.lattice.routing;

import java.sql.ResultSet;
import java.sql.SQLWarning;

/** What a Lattice command (SHOW ..., SET CONSISTENCY ..., BEGIN, ...) returns: rows, or a count, and any warning. */
public record CommandResult(ResultSet resultSet, long updateCount, SQLWarning warning) {

    public static CommandResult rows(ResultSet rs) {
        return new CommandResult(rs, -1, null);
    }

    public static CommandResult done() {
        return new CommandResult(null, 0, null);
    }
}
