package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.testing.Await;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The schema gate keeps DDL and the open writers of its tables apart, also for writers that pass
 * it without its monitor (no DDL waiting or running).
 */
class SchemaGateTest {

    private static final TableId A = new TableId("PUBLIC", "A");
    private static final TableId B = new TableId("PUBLIC", "B");

    @Test
    void aDdlWaitsForAnOpenWriterOfItsTableOnly() throws Exception {
        SchemaGate gate = new SchemaGate(100);
        SchemaGate.Writer writer = new SchemaGate.Writer();
        gate.write(writer, tables(A));
        assertTrue(writer.inside());

        SQLException timeout = assertThrows(SQLException.class, () -> gate.enterDdl(tables(A)));
        assertEquals("HYT00", timeout.getSQLState());
        assertThrows(SQLException.class, () -> gate.enterDdl(null), "DDL that may touch any table");
        gate.exitDdl(gate.enterDdl(tables(B)));

        gate.leave(writer);
        assertFalse(writer.inside());
        gate.exitDdl(gate.enterDdl(tables(A)));

        gate.write(writer, null);
        assertThrows(SQLException.class, () -> gate.enterDdl(tables(B)), "a writer of any table");
        gate.forget(writer);
        gate.exitDdl(gate.enterDdl(null));
    }

    @Test
    void aNewcomerWaitsForAWaitingDdlAndAnOpenTransactionOnlyForARunningOne() throws Exception {
        SchemaGate gate = new SchemaGate(TimeUnit.SECONDS.toMillis(30));
        SchemaGate.Writer open = new SchemaGate.Writer();
        SchemaGate.Writer other = new SchemaGate.Writer();
        gate.write(open, tables(A));
        gate.write(other, tables(B));

        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Void> ddl = CompletableFuture.runAsync(() -> {
            try {
                SchemaGate.Ddl turn = gate.enterDdl(tables(A));
                running.countDown();
                finish.await();
                gate.exitDdl(turn);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SchemaGate.Writer newcomer = new SchemaGate.Writer();
        Await.until("the DDL to wait at the gate", Duration.ofSeconds(10), () -> {
            if (gate.tryWrite(newcomer, tables(A))) {
                gate.leave(newcomer);
                return false;
            }
            return true;
        });
        assertFalse(newcomer.inside(), "a newcomer held back registers nothing");
        assertTrue(gate.tryWrite(newcomer, tables(B)), "a newcomer on another table goes on");
        gate.leave(newcomer);
        assertTrue(gate.tryWrite(open, tables(A, B)), "an open transaction goes on past a waiting DDL");

        gate.leave(open);
        assertTrue(running.await(10, TimeUnit.SECONDS), "the DDL runs once its table's writer left");
        assertFalse(gate.tryWrite(open, tables(A)), "a running DDL holds back a newcomer");
        assertFalse(gate.tryWrite(other, tables(A)), "and an open transaction");
        assertTrue(other.inside());
        assertTrue(gate.tryWrite(other, tables(B)));
        finish.countDown();
        ddl.get(10, TimeUnit.SECONDS);
        assertTrue(gate.tryWrite(open, tables(A)));
    }

    @Test
    void aWriterThatTimesOutKeepsWhatItHadRegistered() throws Exception {
        SchemaGate gate = new SchemaGate(50);
        SchemaGate.Ddl onA = gate.enterDdl(tables(A));
        SchemaGate.Writer newcomer = new SchemaGate.Writer();
        assertEquals("HYT00", assertThrows(SQLException.class, () -> gate.write(newcomer, tables(A))).getSQLState());
        assertFalse(newcomer.inside());

        SchemaGate.Writer open = new SchemaGate.Writer();
        gate.write(open, tables(B));
        assertThrows(SQLException.class, () -> gate.write(open, tables(A)));
        assertTrue(open.inside());
        gate.exitDdl(onA);

        gate.exitDdl(gate.enterDdl(tables(A)));
        assertThrows(SQLException.class, () -> gate.enterDdl(tables(B)), "B stays registered");
    }

    /**
     * Writers and DDL on two tables at full speed: a writer marks its table while it is inside, a
     * DDL marks its table while it runs, and each looks for the other's mark after setting its own;
     * any overlap is seen. A writer that did not look for DDL after publishing its tables would
     * overlap within a few thousand rounds.
     */
    @Test
    void noDdlRunsWhileAWriterOfItsTableIsInside() throws Exception {
        SchemaGate gate = new SchemaGate(TimeUnit.SECONDS.toMillis(30));
        TableId[] tables = {A, B};
        AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
        AtomicBoolean[] ddlRunning = {new AtomicBoolean(), new AtomicBoolean()};
        AtomicLong overlaps = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Long>> writers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            writers.add(CompletableFuture.supplyAsync(() -> {
                SchemaGate.Writer writer = new SchemaGate.Writer();
                long rounds = 0;
                try {
                    while (!stop.get()) {
                        int t = ThreadLocalRandom.current().nextInt(2);
                        gate.write(writer, tables(tables[t]));
                        inside[t].incrementAndGet();
                        if (ddlRunning[t].get()) {
                            overlaps.incrementAndGet();
                        }
                        inside[t].decrementAndGet();
                        gate.leave(writer);
                        rounds++;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return rounds;
            }));
        }
        for (int round = 0; round < 20_000; round++) {
            int t = round & 1;
            SchemaGate.Ddl turn = gate.enterDdl(tables(tables[t]));
            ddlRunning[t].set(true);
            if (inside[t].get() > 0) {
                overlaps.incrementAndGet();
            }
            ddlRunning[t].set(false);
            gate.exitDdl(turn);
        }
        stop.set(true);
        long rounds = 0;
        for (CompletableFuture<Long> w : writers) {
            rounds += w.get(30, TimeUnit.SECONDS);
        }
        assertTrue(rounds > 0);
        assertEquals(0, overlaps.get(), "a DDL ran beside a writer of its table (" + rounds + " writes)");
    }

    private static List<TableId> tables(TableId... ids) {
        return List.of(ids);
    }
}
