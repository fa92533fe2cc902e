package dev.lattice.backend;

import java.sql.SQLException;

/**
 * A statement run "at once" met something it would have to wait for (a row lock, DDL at the
 * schema gate): nothing of it happened, and its caller runs it again where it may wait.
 */
public final class WouldWait extends SQLException {

    public WouldWait(String what, Throwable cause) {
        super("would wait for " + what, "LTW01", cause);
    }
}
