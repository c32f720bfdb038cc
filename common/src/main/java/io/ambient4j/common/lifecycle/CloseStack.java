package io.ambient4j.common.lifecycle;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The long-lived parts a proxy process opens first (CA client, certificate manager, xDS client) and must close last,
 * after its listeners have drained: closed in the reverse order they were opened, so nothing is closed while a part
 * opened after it still uses it. One part failing to close is logged and the rest still close, because a shutdown
 * that stops at the first error leaves streams and threads behind. Used by ztunnel and the waypoint.
 */
public final class CloseStack {
    private final System.Logger log;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<AutoCloseable> opened = new ArrayList<>();

    public CloseStack(System.Logger log) {
        this.log = log;
    }

    /** Registers a part that is now open; returns it for chaining at the place it is created. */
    public <T extends AutoCloseable> T push(T part) {
        lock.lock();
        try {
            opened.add(part);
        } finally {
            lock.unlock();
        }
        return part;
    }

    /** Closes every registered part, last opened first, each once; returns how many failed to close. */
    public int closeAll() {
        List<AutoCloseable> parts;
        lock.lock();
        try {
            parts = List.copyOf(opened.reversed());
            opened.clear();
        } finally {
            lock.unlock();
        }
        int failed = 0;
        for (AutoCloseable c : parts) {
            try {
                c.close();
            } catch (Exception e) {
                failed++;
                log.log(Level.WARNING, "closing {0}: {1}", c.getClass().getSimpleName(), e.toString());
            }
        }
        return failed;
    }
}
