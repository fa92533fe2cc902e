package dev.lattice.replication;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Collection;
import java.util.Collections;
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
 * <p>While no DDL waits or runs, a writer passes without a lock: it publishes its tables in its
 * own volatile field, then reads the count of DDL statements; DDL raises that count, then reads
 * every writer's tables. Of two such threads at least one sees the other (both are volatile, so
 * sequentially consistent), and whoever sees the other takes the monitor and waits as before.
 */
public final class SchemaGate {

    /** A writer's tables when it may write any table: an object of its own, told apart by identity. */
    private static final Collection<TableId> ALL = Collections.unmodifiableSet(new HashSet<>());

    /** One session's registration: the tables its open transaction writes. */
    public static final class Writer {
        /** Null outside a write transaction; ALL, or the tables it writes (never changed once published). */
        private volatile Collection<TableId> tables;
        /** Whether the gate's set of writers holds it (its own session's thread reads and writes this). */
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
    /** Every session that has written through this gate and not closed; under the monitor. */
    private final Set<Writer> writers = new HashSet<>();
    private final Set<Ddl> ddl = new HashSet<>();
    /** ddl.size(), written under the monitor, read by writers without it. */
    private volatile int ddlCount;

    public SchemaGate(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Before a write: registers the tables (null: it may write any table; the gate keeps the
     * collection, which the caller must not change). A transaction's first write waits while DDL on
     * those tables is waiting or running. A later write of an open transaction waits only for DDL
     * already running on them: a waiting DDL waits for it instead, so the two cannot wait for each
     * other.
     */
    public void write(Writer writer, Collection<TableId> tables) throws SQLException {
        Collection<TableId> before = publish(writer, tables);
        if (ddlCount == 0) {
            return;
        }
        synchronized (this) {
            Collection<TableId> after = writer.tables;
            if (heldBack(writer, tables, before)) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                while (blockedByDdl(tables, before == null)) {
                    awaitUntil(deadline, "DDL on the tables this transaction writes");
                }
                writer.tables = after;
            }
        }
    }

    /** As {@link #write}, but never waits: false (nothing registered) where write would wait. */
    public boolean tryWrite(Writer writer, Collection<TableId> tables) {
        Collection<TableId> before = publish(writer, tables);
        if (ddlCount == 0) {
            return true;
        }
        synchronized (this) {
            return !heldBack(writer, tables, before);
        }
    }

    /** At the end of the transaction. */
    public void leave(Writer writer) {
        if (writer.tables == null) {
            return;
        }
        writer.tables = null;
        if (ddlCount != 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** When the session closes: the gate forgets its writer. */
    public void forget(Writer writer) {
        leave(writer);
        if (writer.known) {
            synchronized (this) {
                writers.remove(writer);
            }
            writer.known = false;
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

    /** Publishes the writer's tables with these added; returns what it published before (null: none). */
    private Collection<TableId> publish(Writer writer, Collection<TableId> tables) {
        if (!writer.known) {
            synchronized (this) { // once per session: DDL reads the set under the monitor
                writers.add(writer);
            }
            writer.known = true;
        }
        Collection<TableId> before = writer.tables;
        Collection<TableId> after = with(before, tables);
        if (after != before) {
            writer.tables = after;
        }
        return before;
    }

    private static Collection<TableId> with(Collection<TableId> published, Collection<TableId> tables) {
        if (tables == null) {
            return ALL;
        }
        if (published == null) {
            return tables;
        }
        if (published == tables || published == ALL || published.containsAll(tables)) {
            return published;
        }
        Set<TableId> union = new HashSet<>(published);
        union.addAll(tables);
        return union;
    }

    /**
     * Under the monitor, with DDL waiting or running: whether it holds the writer back (a newcomer
     * waits for waiting DDL too); if it does, the writer is registered as it was before this write.
     */
    private boolean heldBack(Writer writer, Collection<TableId> tables, Collection<TableId> before) {
        if (!blockedByDdl(tables, before == null)) {
            return false;
        }
        writer.tables = before;
        notifyAll(); // a DDL may have seen this writer's tables
        return true;
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
        for (Writer w : writers) {
            Collection<TableId> tables = w.tables;
            if (tables == null) {
                continue;
            }
            if (entry.tables == null || tables == ALL) {
                return true;
            }
            for (TableId t : tables) {
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
