package dev.lattice.replication;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
 */
public final class SchemaGate {

    /** One session's registration: the tables its open transaction writes. */
    public static final class Writer {
        private final Set<TableId> tables = new HashSet<>();
        private boolean all;
        private boolean inside;

        /** Whether the session has an open write transaction. */
        public boolean inside() {
            return inside;
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
    private final Map<TableId, Integer> writing = new HashMap<>();
    private final Set<Ddl> ddl = new HashSet<>();
    private int writers;
    private int writersOfEverything;

    public SchemaGate(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Before a write: registers the tables (null: it may write any table). A transaction's first
     * write waits while DDL on those tables is waiting or running. A later write of an open
     * transaction waits only for DDL already running on them: a waiting DDL waits for it instead,
     * so the two cannot wait for each other.
     */
    public synchronized void write(Writer writer, Collection<TableId> tables) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (blockedByDdl(tables, !writer.inside)) {
            awaitUntil(deadline, "DDL on the tables this transaction writes");
        }
        register(writer, tables);
    }

    /** As {@link #write}, but never waits: false (nothing registered) where write would wait. */
    public synchronized boolean tryWrite(Writer writer, Collection<TableId> tables) {
        if (blockedByDdl(tables, !writer.inside)) {
            return false;
        }
        register(writer, tables);
        return true;
    }

    private void register(Writer writer, Collection<TableId> tables) {
        if (!writer.inside) {
            writer.inside = true;
            writers++;
        }
        if (tables == null) {
            if (!writer.all) {
                writer.all = true;
                writersOfEverything++;
            }
            return;
        }
        for (TableId table : tables) {
            if (writer.tables.add(table)) {
                writing.merge(table, 1, Integer::sum);
            }
        }
    }

    /** At the end of the transaction. */
    public synchronized void leave(Writer writer) {
        if (!writer.inside) {
            return;
        }
        for (TableId table : writer.tables) {
            writing.computeIfPresent(table, (t, n) -> n == 1 ? null : n - 1);
        }
        writer.tables.clear();
        if (writer.all) {
            writer.all = false;
            writersOfEverything--;
        }
        writer.inside = false;
        writers--;
        if (!ddl.isEmpty()) {
            notifyAll();
        }
    }

    /** Before DDL on these tables (null: any table): waits until no open transaction writes them. */
    public synchronized Ddl enterDdl(Collection<TableId> tables) throws SQLException {
        Ddl entry = new Ddl(tables);
        ddl.add(entry);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (hasWriters(entry)) {
                awaitUntil(deadline, "open write transactions on " + (tables == null ? "any table" : tables.toString())
                        + " to end before DDL");
            }
        } catch (SQLException e) {
            ddl.remove(entry);
            notifyAll();
            throw e;
        }
        entry.running = true;
        return entry;
    }

    public synchronized void exitDdl(Ddl entry) {
        ddl.remove(entry);
        notifyAll();
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

    private boolean hasWriters(Ddl entry) {
        if (entry.tables == null) {
            return writers > 0;
        }
        if (writersOfEverything > 0) {
            return true;
        }
        for (TableId t : entry.tables) {
            if (writing.containsKey(t)) {
                return true;
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
