package dev.lattice.proxy.server;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one connection's tasks one at a time and in order, on threads of a shared pool, so the
 * blocking JDBC work of a session never runs on the event loop and never overtakes itself.
 */
final class SerialExecutor implements Executor {

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    /**
     * Queues a task without starting a thread for it yet: the event loop queues every message of one
     * read and then calls {@link #schedule} once, so a batch (Bind, Execute, Sync) costs one hand-off,
     * not one per message (a worker that drained the first message before the second was queued
     * would otherwise be woken again for each).
     */
    void enqueue(Runnable task) {
        tasks.add(task);
    }

    /** Whether nothing is queued or running: the connection waits for its client. */
    boolean idle() {
        return tasks.isEmpty() && !scheduled.get();
    }

    /** Starts a thread on what is queued, unless one is already running it. */
    void schedule() {
        if (tasks.isEmpty()) {
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    /**
     * Takes the place of a worker thread if none is running and nothing is queued: the caller then
     * runs a task itself, in order, and must {@link #release} after it.
     */
    boolean tryHold() {
        return tasks.isEmpty() && scheduled.compareAndSet(false, true);
    }

    /** Ends a {@link #tryHold}; starts a thread on anything queued meanwhile. */
    void release() {
        scheduled.set(false);
        schedule();
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        } finally {
            scheduled.set(false);
            schedule();
        }
    }
}
