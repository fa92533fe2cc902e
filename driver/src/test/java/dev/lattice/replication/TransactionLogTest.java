package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The in-memory log keeps its newest entries as objects in a ring and those that left it encoded,
 * while within the retention: a reader gets every entry in order from either, with its LSN, commit
 * time and row values, and is told to rebuild (null) only past the retention.
 */
class TransactionLogTest {

    private static final TableId T = new TableId("PUBLIC", "T");

    @Test
    void entriesThatLeftTheRingAreReadFromTheArchiveUntilTheRetentionPassesThem() throws SQLException {
        int retention = TransactionLog.RING * 3;
        TransactionLog log = new TransactionLog(retention, null, 0, true);
        int total = TransactionLog.RING * 5;
        for (long lsn = 1; lsn <= total; lsn++) {
            log.publish(entry(lsn));
            if (lsn % 1000 == 0) {
                log.archive(); // as appliers do; the committer archives what they have not
            }
        }
        assertNull(log.recent(total - TransactionLog.RING), "left the ring");
        long oldest = total - retention + 1;
        // the archive keeps the retention behind its newest entry, in chunks of 1,024
        assertNull(log.read(total - TransactionLog.RING - retention - 1024, 10, null),
                "past the retention: the reader is rebuilt");
        long lsn = oldest;
        while (lsn <= total) {
            List<LoggedTransaction> batch = log.read(lsn, 256, null);
            assertNotNull(batch, "LSN " + lsn + " is within the retention");
            assertTrue(!batch.isEmpty());
            for (LoggedTransaction tx : batch) {
                assertEquals(lsn, tx.lsn());
                assertEquals(1_000_000 + lsn, tx.commitMillis());
                assertEquals(lsn, tx.changes().get(0).newRow()[0]);
                assertEquals("v" + lsn, tx.changes().get(0).newRow()[1]);
                lsn++;
            }
        }
        assertEquals(1_000_000 + oldest, log.commitMillis(oldest));
        assertSame(log.recent(total), log.read(total, 1, null).get(0), "the newest come from the ring as committed");
    }

    @Test
    void onlyWhatAReplicaHasYetToApplyIsEncoded() throws SQLException {
        AtomicLong appliedByAll = new AtomicLong(-1);
        TransactionLog log = readBy(appliedByAll);
        long lsn = 0;
        while (lsn < TransactionLog.RING * 2L) {
            log.publish(entry(++lsn));
            appliedByAll.set(lsn - 100); // every replica keeps up
            log.archive();
        }
        assertNull(log.read(1000, 10, null), "every replica applied it: not kept");
        long stopped = lsn - 100; // one replica stops here
        while (lsn < TransactionLog.RING * 5L) {
            log.publish(entry(++lsn));
            log.archive();
        }
        List<LoggedTransaction> next = log.read(stopped + 1, 10, null);
        assertEquals(stopped + 1, next.get(0).lsn(), "kept for the replica that stopped");
        assertEquals("v" + (stopped + 1), next.get(0).changes().get(0).newRow()[1]);
        appliedByAll.set(lsn - TransactionLog.RING); // it caught up most of the way
        for (int i = 0; i < TransactionLog.RING; i++) {
            log.publish(entry(++lsn));
            log.archive();
        }
        assertNull(log.read(stopped + 1, 10, null), "no longer needed");
        assertEquals(lsn - TransactionLog.RING, log.read(lsn - TransactionLog.RING, 1, null).get(0).lsn());
    }

    @Test
    void entriesEveryReplicaAppliedLeaveTheRingAndTheRestAreReadAsCommitted() throws SQLException {
        AtomicLong appliedByAll = new AtomicLong(-1);
        TransactionLog log = readBy(appliedByAll);
        for (long lsn = 1; lsn <= 1000; lsn++) {
            log.publish(entry(lsn));
        }
        log.release();
        assertNotNull(log.recent(1), "a replica's LSN is unknown: every entry stays");
        appliedByAll.set(900);
        LoggedTransaction next = log.recent(901);
        log.release();
        assertNull(log.recent(1), "applied by every replica: let go");
        assertNull(log.recent(900));
        List<LoggedTransaction> rest = log.read(901, 200, null);
        assertSame(next, rest.get(0), "what a replica has yet to apply stays, as committed");
        assertEquals(100, rest.size());
        assertEquals(1_000_000 + 901, log.commitMillis(901), "and so does its commit time (a replica's lag)");
        appliedByAll.set(1000);
        log.release();
        assertNull(log.recent(1000 - TransactionLog.RELEASE_DISTANCE));
        assertNotNull(log.recent(1000 - TransactionLog.RELEASE_DISTANCE + 1), "the newest stay a while");
        assertEquals(List.of(), log.read(1001, 10, null), "past C: nothing, not a rebuild");
    }

    @Test
    void archivingGoesPastEntriesTheRingLetGoThoughItsReadOfTheReplicasIsOlder() throws SQLException {
        AtomicLong appliedByAll = new AtomicLong(-1);
        TransactionLog log = readBy(appliedByAll);
        long lsn = 0;
        while (lsn < 1000) {
            log.publish(entry(++lsn));
        }
        appliedByAll.set(900);
        log.release();
        // the archiving reads what the replicas applied before the release's read (appliers moved on between)
        appliedByAll.set(500);
        while (lsn < TransactionLog.RING + 2000) {
            log.publish(entry(++lsn)); // the ring comes round: the committer archives what leaves it
        }
        appliedByAll.set(900);
        List<LoggedTransaction> next = log.read(901, 10, null);
        assertNotNull(next, "archived, not lost at the first entry the ring let go");
        assertEquals(901, next.get(0).lsn());
    }

    @Test
    void withAReplicaServerOfItsOwnTheRingKeepsWhatItApplied() throws SQLException {
        TransactionLog log = new TransactionLog(TransactionLog.RING * 8, null, 0, true);
        log.readersApplied(() -> 900, false);
        for (long lsn = 1; lsn <= 1000; lsn++) {
            log.publish(entry(lsn));
        }
        log.release();
        assertEquals(1, log.read(1, 10, null).get(0).lsn(), "a killed server may need it again");
    }

    @Test
    void withoutReplicasOnlyTheNewestEntriesAreKept() throws SQLException {
        TransactionLog log = new TransactionLog(TransactionLog.RING * 3, null, 0, false);
        for (long lsn = 1; lsn <= 1000; lsn++) {
            log.publish(entry(lsn));
        }
        assertEquals(1000, log.committed());
        assertEquals(1000, log.recent(1000).lsn());
        assertNull(log.recent(998), "no one reads the log: nothing older is kept");
    }

    @Test
    void withoutTheArchiveOnlyTheRingIsKept() throws SQLException {
        TransactionLog.archives = false;
        try {
            TransactionLog log = new TransactionLog(TransactionLog.RING * 3, null, 0, true);
            for (long lsn = 1; lsn <= TransactionLog.RING * 2; lsn++) {
                log.publish(entry(lsn));
            }
            assertNull(log.read(TransactionLog.RING, 10, null), "the anomaly the archive prevents: a rebuild");
            assertEquals(-1, log.commitMillis(TransactionLog.RING));
        } finally {
            TransactionLog.archives = true;
        }
    }

    @Test
    void anEntryThatCannotBeEncodedIsAHoleAReaderIsRebuiltAt() throws SQLException {
        TransactionLog log = new TransactionLog(TransactionLog.RING * 2, null, 0, true);
        for (long lsn = 1; lsn <= TransactionLog.RING + 10; lsn++) {
            log.publish(lsn == 5 ? LoggedTransaction.ofChanges(lsn, 0,
                    List.of(new RowChange(T, RowChange.Op.INSERT, null, new Object[] {new Object()}))) : entry(lsn));
        }
        assertEquals(4, log.read(1, 10, null).size(), "up to the hole");
        assertNull(log.read(5, 10, null), "the hole itself");
        assertEquals(6, log.read(6, 10, null).get(0).lsn(), "and on after it");
    }

    @Test
    void truncatingForgetsTheArchivedEntriesAfterTheFork() throws SQLException {
        TransactionLog log = new TransactionLog(TransactionLog.RING * 4, null, 0, true);
        long total = TransactionLog.RING * 2L;
        for (long lsn = 1; lsn <= total; lsn++) {
            log.publish(entry(lsn));
        }
        long fork = 3000;
        log.truncateAfter(fork);
        assertEquals(fork, log.committed());
        for (long lsn = fork + 1; lsn <= total; lsn++) {
            log.publish(LoggedTransaction.ofChanges(lsn, 7, List.of(change(-lsn))));
        }
        log.archive();
        List<LoggedTransaction> around = log.read(fork - 1, 3, null);
        assertEquals(fork - 1, around.get(0).changes().get(0).newRow()[0]);
        assertEquals(fork, around.get(1).changes().get(0).newRow()[0]);
        assertEquals(-(fork + 1), around.get(2).changes().get(0).newRow()[0], "the new history after the fork");
    }

    /** A log that in-process replicas read, which have applied what appliedByAll holds (-1: unknown). */
    private static TransactionLog readBy(AtomicLong appliedByAll) {
        TransactionLog log = new TransactionLog(TransactionLog.RING * 8, null, 0, true);
        log.readersApplied(appliedByAll::get, true);
        return log;
    }

    private static LoggedTransaction entry(long lsn) {
        return LoggedTransaction.ofChanges(lsn, 1_000_000 + lsn, List.of(change(lsn)));
    }

    private static RowChange change(long key) {
        return new RowChange(T, RowChange.Op.UPDATE, new Object[] {key, "old"}, new Object[] {key, "v" + key});
    }
}
