package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * DDL never runs while an open transaction writes its tables, and no transaction starts writing
 * them while it runs, including writers that registered on the lock-free path.
 */
class SchemaGateTest {

    private static final TableId A = new TableId("PUBLIC", "A");
    private static final TableId B = new TableId("PUBLIC", "B");

    @Test
    void ddlWaitsForAnOpenWriterOfItsTablesButNotForWritersOfOthers() throws SQLException {
        SchemaGate gate = new SchemaGate(100);
        SchemaGate.Writer writerOfA = new SchemaGate.Writer();
        gate.write(writerOfA, List.of(A));
        SQLException timeout = assertThrows(SQLException.class, () -> gate.enterDdl(List.of(A)));
        assertEquals("HYT00", timeout.getSQLState());
        assertThrows(SQLException.class, () -> gate.enterDdl(null), "DDL on any table waits for every writer");
        gate.exitDdl(gate.enterDdl(List.of(B)));
        gate.leave(writerOfA);
        gate.exitDdl(gate.enterDdl(List.of(A)));
    }

    @Test
    void aTransactionDoesNotStartWritingATableWhileDdlRunsOnIt() throws SQLException {
        SchemaGate gate = new SchemaGate(100);
        SchemaGate.Ddl ddl = gate.enterDdl(List.of(A));
        SchemaGate.Writer writer = new SchemaGate.Writer();
        assertThrows(SQLException.class, () -> gate.write(writer, List.of(A)));
        assertTrue(!writer.inside(), "a writer that timed out holds nothing");
        gate.write(writer, List.of(B));
        assertThrows(SQLException.class, () -> gate.write(writer, List.of(A)), "nor a later write of it");
        gate.leave(writer);
        gate.exitDdl(ddl);
        gate.write(writer, List.of(A));
        gate.leave(writer);
    }

    @Test
    void ddlAndWritersOfItsTableNeverOverlapUnderContention() throws Exception {
        SchemaGate gate = new SchemaGate(10_000);
        AtomicInteger writersInside = new AtomicInteger();
        AtomicBoolean ddlRunning = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> overlaps = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            writers.add(CompletableFuture.runAsync(() -> {
                SchemaGate.Writer w = new SchemaGate.Writer();
                try {
                    for (int i = 0; i < 20_000; i++) {
                        gate.write(w, List.of(A));
                        writersInside.incrementAndGet();
                        if (ddlRunning.get()) {
                            overlaps.add("a writer of A inside while DDL on A ran");
                        }
                        writersInside.decrementAndGet();
                        gate.leave(w);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } finally {
                    gate.forget(w);
                }
            }));
        }
        CompletableFuture<Void> allWriters = CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> done.set(true));
        int ddlRuns = 0;
        while (!done.get() || ddlRuns < 10) {
            SchemaGate.Ddl ddl = gate.enterDdl(List.of(A));
            ddlRunning.set(true);
            if (writersInside.get() > 0) {
                overlaps.add("DDL on A ran while a writer of A was inside");
            }
            ddlRunning.set(false);
            gate.exitDdl(ddl);
            ddlRuns++;
        }
        allWriters.get();
        assertTrue(overlaps.isEmpty(), overlaps.size() + " overlaps, first: " + overlaps.peek());
    }
}
