package dev.lattice.replication;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps DDL apart from open write transactions on the primary. H2 runs DDL outside any
 * transaction, so a DDL statement's place in the log is only right if no write transaction is
 * open while it runs and is logged: writers enter the gate at their first write and leave at
 * commit or rollback; DDL waits for them to drain and holds new ones back meanwhile.
 */
public final class SchemaGate {

    private final long timeoutMillis;
    private int writers;
    private int ddlWaiting;
    private boolean ddlRunning;

    public SchemaGate(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public synchronized void enterWriter() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (ddlRunning || ddlWaiting > 0) {
            awaitUntil(deadline, "a DDL statement to finish");
        }
        writers++;
    }

    public synchronized void exitWriter() {
        if (--writers == 0) {
            notifyAll();
        }
    }

    public synchronized void enterDdl() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ddlWaiting++;
        try {
            while (ddlRunning || writers > 0) {
                awaitUntil(deadline, "open write transactions to end before DDL");
            }
        } finally {
            ddlWaiting--;
        }
        ddlRunning = true;
    }

    public synchronized void exitDdl() {
        ddlRunning = false;
        notifyAll();
    }

    private void awaitUntil(long deadline, String what) throws SQLException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SQLTransientException("Timeout after " + timeoutMillis + " ms waiting for " + what, "HYT00");
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientException("Interrupted while waiting for " + what, "HYT00", e);
        }
    }
}
