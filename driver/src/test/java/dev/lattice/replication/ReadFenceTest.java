package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A primary read that fails with an exception from inside H2 (its general error, 50000) is run
 * again, up to three attempts; any other failure of a read no DDL overlapped is the statement's own.
 */
class ReadFenceTest {

    private static final SQLException INSIDE_H2 = new SQLException(
            "General error: \"java.util.ConcurrentModificationException\"", "HY000", 50000);

    @Test
    void aReadThatFailedInsideH2RunsAgain() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String result = new ReadFence().whole(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw INSIDE_H2;
            }
            return "rows";
        });
        assertEquals("rows", result);
        assertEquals(2, attempts.get());
    }

    @Test
    void aReadThatKeepsFailingInsideH2FailsAfterThreeAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        SQLException e = assertThrows(SQLException.class, () -> new ReadFence().whole(() -> {
            attempts.incrementAndGet();
            throw INSIDE_H2;
        }));
        assertSame(INSIDE_H2, e);
        assertEquals(3, attempts.get());
    }

    @Test
    void theStatementsOwnErrorIsNotRunAgain() {
        AtomicInteger attempts = new AtomicInteger();
        SQLException own = new SQLException("Division by zero", "22012", 22012);
        SQLException e = assertThrows(SQLException.class, () -> new ReadFence().whole(() -> {
            attempts.incrementAndGet();
            throw own;
        }));
        assertSame(own, e);
        assertEquals(1, attempts.get());
    }
}
