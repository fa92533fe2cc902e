package dev.lattice.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** BriefLock takes a free lock, and gives up on one held past its spin without taking it. */
class BriefLockTest {

    @Test
    void takesAFreeLockAndGivesUpOnOneHeldThroughItsSpin() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        assertTrue(BriefLock.tryLock(lock, TimeUnit.MICROSECONDS.toNanos(20)));
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        held.await();
        assertFalse(BriefLock.tryLock(lock, TimeUnit.MICROSECONDS.toNanos(20)), "held by another thread throughout");
        assertFalse(lock.isHeldByCurrentThread());
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertTrue(BriefLock.tryLock(lock, TimeUnit.MICROSECONDS.toNanos(20)), "free again");
        lock.unlock();
    }
}
