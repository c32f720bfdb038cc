package io.ambient4j.common.lifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SIGTERM path of a proxy process, run once: the signal handler, a test and {@code close()} may all ask for it,
 * a second caller waits until the first has finished (so it never returns while listeners are still draining), and
 * whoever waits for the process to stop is released even when a step failed. Used by ztunnel and the waypoint.
 */
public final class ShutdownOnce {
    /** The shutdown steps; an interrupt ends them early and is kept on the thread. */
    @FunctionalInterface
    public interface Steps {
        void run() throws InterruptedException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean done; // guarded by lock

    /** Runs {@code steps} unless a shutdown already ran; returns once it has completed either way. */
    public void run(Steps steps) {
        lock.lock();
        try {
            if (done) {
                return;
            }
            done = true;
            steps.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
            stopped.countDown();
        }
    }

    /** Waits until a shutdown has completed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
