package io.ambient4j.conformance.kubelet;

import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A de-duplicating key queue with one worker thread, the controller pattern: informer handlers only
 * {@link #add} keys and never block; the single worker is the one writer of the controller's state.
 */
public final class WorkQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkQueue.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Set<String> keys = new LinkedHashSet<>();
    private final Thread worker;
    private volatile boolean closed;

    public WorkQueue(String name, Consumer<String> reconcile) {
        worker = Thread.ofVirtual().name(name).start(() -> loop(reconcile));
    }

    public void add(String key) {
        lock.lock();
        try {
            keys.add(key);
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    private void loop(Consumer<String> reconcile) {
        while (!closed) {
            String key;
            lock.lock();
            try {
                while (keys.isEmpty() && !closed) {
                    ready.await();
                }
                if (closed) {
                    return;
                }
                var it = keys.iterator();
                key = it.next();
                it.remove();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                reconcile.accept(key);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reconcile of " + key + " failed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
