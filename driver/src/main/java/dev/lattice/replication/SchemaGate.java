package dev.lattice.replication;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps DDL apart from the open write transactions on the tables it changes. H2 runs DDL outside
 * any transaction and Lattice logs it while no commit can happen, so a DDL statement must not wait
 * inside that window for a transaction that writes its tables: writers register the tables they
 * write from their first write to their end; DDL waits until no open writer has its tables, and
 * holds back transactions that would start writing them meanwhile. DDL on other tables, and
 * writers of other tables, go on (a migration on one connection while another holds a
 * transaction on the history table, as Flyway does).
 *
 * <p>While no DDL waits or runs, a writer registers and leaves without a lock: it publishes its
 * tables, then looks for DDL; DDL announces itself, then looks at the writers' tables. Both are
 * volatile, so at least one of the two sees the other: a writer that saw no DDL is seen by it.
 */
public final class SchemaGate {

    /** The tables of a writer that may write any table. */
    private static final TableId[] EVERY_TABLE = new TableId[0];

    /** One session's registration: the tables its open transaction writes. */
    public static final class Writer {
        /** The tables its open write transaction writes, EVERY_TABLE, or null outside one. */
        private volatile TableId[] tables;
        /** The array of its last transaction, reused when the next writes the same tables. */
        private TableId[] lastTables;
        private boolean known;

        /** Whether the session has an open write transaction. */
        public boolean inside() {
            return tables != null;
        }
    }

    /** A DDL statement waiting or running: its tables, or every table. */
    public static final class Ddl {
        private final Set<TableId> tables;
        private boolean running;

        private Ddl(Collection<TableId> tables) {
            this.tables = tables == null ? null : Set.copyOf(tables);
        }

        boolean touches(TableId table) {
            return tables == null || tables.contains(table);
        }
    }

    private final long timeoutMillis;
    /** Every writer that has ever written through this gate and not been forgotten; guarded by this. */
    private final Set<Writer> writers = new HashSet<>();
    private final Set<Ddl> ddl = new HashSet<>();
    /** How many DDL statements wait or run: the writers' fast path is open while it is 0. */
    private volatile int ddlCount;

    public SchemaGate(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Before a write: registers the tables (null: it may write any table). A transaction's first
     * write waits while DDL on those tables is waiting or running. A later write of an open
     * transaction waits only for DDL already running on them: a waiting DDL waits for it instead,
     * so the two cannot wait for each other.
     */
    public void write(Writer writer, Collection<TableId> tables) throws SQLException {
        TableId[] before = writer.tables;
        TableId[] wanted = merged(writer, before, tables);
        if (wanted == before) {
            return; // nothing new: no DDL can be running on tables it already holds
        }
        if (!writer.known) {
            know(writer);
        }
        writer.tables = wanted;
        if (ddlCount != 0) {
            writeInTurn(writer, before, wanted, tables);
        }
    }

    /** The slow path, while DDL waits or runs: the writer's new tables count only once no DDL blocks them. */
    private synchronized void writeInTurn(Writer writer, TableId[] before, TableId[] wanted,
                                          Collection<TableId> tables) throws SQLException {
        boolean newcomer = before == null;
        if (!blockedByDdl(tables, newcomer)) {
            return;
        }
        writer.tables = before;
        notifyAll(); // a DDL may have seen the tables it published a moment ago
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        do {
            awaitUntil(deadline, "DDL on the tables this transaction writes");
        } while (blockedByDdl(tables, newcomer));
        writer.tables = wanted;
    }

    private synchronized void know(Writer writer) {
        writers.add(writer);
        writer.known = true;
    }

    /** When the session closes: its writer is no longer looked at by DDL. */
    public synchronized void forget(Writer writer) {
        leave(writer);
        writers.remove(writer);
        writer.known = false;
    }

    /** At the end of the transaction. */
    public void leave(Writer writer) {
        TableId[] held = writer.tables;
        if (held == null) {
            return;
        }
        if (held != EVERY_TABLE) {
            writer.lastTables = held;
        }
        writer.tables = null;
        if (ddlCount != 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Before DDL on these tables (null: any table): waits until no open transaction writes them. */
    public synchronized Ddl enterDdl(Collection<TableId> tables) throws SQLException {
        Ddl entry = new Ddl(tables);
        ddl.add(entry);
        ddlCount = ddl.size();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (hasWriters(entry)) {
                awaitUntil(deadline, "open write transactions on " + (tables == null ? "any table" : tables.toString())
                        + " to end before DDL");
            }
        } catch (SQLException e) {
            exitDdl(entry);
            throw e;
        }
        entry.running = true;
        return entry;
    }

    public synchronized void exitDdl(Ddl entry) {
        ddl.remove(entry);
        ddlCount = ddl.size();
        notifyAll();
    }

    /** The writer's tables with these added: {@code held} itself when they add nothing. */
    private static TableId[] merged(Writer writer, TableId[] held, Collection<TableId> tables) {
        if (tables == null) {
            return EVERY_TABLE;
        }
        if (held == EVERY_TABLE) {
            return held;
        }
        if (held == null) {
            TableId[] last = writer.lastTables;
            return last != null && sameTables(last, tables) ? last : tables.toArray(new TableId[0]);
        }
        TableId[] out = held;
        for (TableId table : tables) {
            if (!contains(out, table)) {
                out = java.util.Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = table;
            }
        }
        return out;
    }

    private static boolean sameTables(TableId[] array, Collection<TableId> tables) {
        if (array.length != tables.size()) {
            return false;
        }
        int i = 0;
        for (TableId table : tables) {
            if (!array[i++].equals(table)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(TableId[] array, TableId table) {
        for (TableId t : array) {
            if (t.equals(table)) {
                return true;
            }
        }
        return false;
    }

    private boolean blockedByDdl(Collection<TableId> tables, boolean newcomer) {
        if (ddl.isEmpty()) {
            return false;
        }
        for (Ddl d : ddl) {
            if (!newcomer && !d.running) {
                continue;
            }
            if (tables == null || d.tables == null) {
                return true;
            }
            for (TableId t : tables) {
                if (d.touches(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Called holding the lock, after ddlCount was raised: every writer that saw no DDL is seen here. */
    private boolean hasWriters(Ddl entry) {
        for (Writer w : writers) {
            TableId[] held = w.tables;
            if (held == null) {
                continue;
            }
            if (entry.tables == null || held == EVERY_TABLE) {
                return true;
            }
            for (TableId t : held) {
                if (entry.tables.contains(t)) {
                    return true;
                }
            }
        }
        return false;
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
