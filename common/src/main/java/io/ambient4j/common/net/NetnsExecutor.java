package io.ambient4j.common.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks inside another network namespace on one dedicated platform thread. {@code setns} changes
 * the namespace of the calling OS thread only; on a virtual thread the carrier would stay in the pod
 * namespace and later run unrelated virtual threads there. So every namespace switch happens here, as
 * {@code setns(target)} then task then {@code setns(home)}. If the thread cannot return home the executor
 * shuts itself down rather than run another task in the wrong namespace.
 *
 * <p>Sockets only need their {@code socket()} call inside the namespace; bind, listen, accept and connect
 * may then run anywhere. Child processes started by the task inherit the namespace.
 */
public final class NetnsExecutor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetnsExecutor.class.getName());

    /** Work to run inside a namespace. */
    @FunctionalInterface
    public interface Task<T> {
        T run() throws IOException;
    }

    private final ExecutorService thread;
    private final Netns home;
    private final AtomicBoolean broken = new AtomicBoolean();

    private NetnsExecutor(ExecutorService thread, Netns home) {
        this.thread = thread;
        this.home = home;
    }

    /** Starts the platform thread and records its home namespace. */
    public static NetnsExecutor start(String name) throws NetException {
        ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name(name).daemon(true).factory());
        try {
            Netns home = thread.submit(Netns::current).get();
            return new NetnsExecutor(thread, home);
        } catch (ExecutionException e) {
            thread.shutdownNow();
            throw e.getCause() instanceof NetException ne
                    ? ne
                    : NetException.of(NetException.Reason.CLOSED, "netns thread failed: " + e.getCause());
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
            throw NetException.of(NetException.Reason.CLOSED, "interrupted while starting netns thread");
        }
    }

    /** The namespace the executor thread returns to after each task. */
    public Netns home() {
        return home;
    }

    /** Runs {@code task} inside {@code netns} and returns its result; blocks the caller until done. */
    public <T> T call(Netns netns, Task<T> task) throws IOException {
        if (broken.get() || thread.isShutdown()) {
            throw NetException.of(NetException.Reason.CLOSED, "netns executor is closed");
        }
        Future<T> result = thread.submit(() -> inside(netns, task));
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("task in " + netns + " failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a task in " + netns, e);
        }
    }

    private <T> T inside(Netns netns, Task<T> task) throws IOException {
        Libc.setns(netns.fd().value(), Libc.CLONE_NEWNET);
        try {
            return task.run();
        } finally {
            returnHome();
        }
    }

    private void returnHome() throws NetException {
        try {
            Libc.setns(home.fd().value(), Libc.CLONE_NEWNET);
        } catch (NetException e) {
            broken.set(true);
            thread.shutdown();
            LOG.log(Level.ERROR, "netns thread could not return home; executor stopped", e);
            throw new NetException(
                    NetException.Reason.CLOSED, e.errno(), "netns thread could not return home: " + e.getMessage());
        }
    }

    @Override
    public void close() throws NetException {
        thread.shutdown();
        home.close();
    }
}
