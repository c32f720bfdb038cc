package io.ambient4j.ztunnel.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The single writer of {@link ProxyState}. Each {@link #apply} builds the next immutable snapshot from the current
 * one and publishes it with one volatile write, so data-path readers never take a lock and never see half a push.
 * The lock only keeps two writers (the xDS stream and, later, on-demand lookups) from racing each other.
 */
public final class StateUpdater {
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Consumer<ProxyState>> listeners = new CopyOnWriteArrayList<>();
    private volatile ProxyState current = ProxyState.EMPTY;

    /** The latest published snapshot. */
    public ProxyState current() {
        return current;
    }

    /** Called after each publish with the new snapshot (e.g. to re-check live connections against new policy). */
    public void onUpdate(Consumer<ProxyState> listener) {
        listeners.add(listener);
    }

    /**
     * Applies one batch: removals first, then upserts, and publishes the result.
     *
     * @return the published snapshot
     */
    public ProxyState apply(StateDelta delta) {
        ProxyState next;
        writeLock.lock();
        try {
            ProxyState.Mutable m = current.mutate();
            for (String name : delta.removedAddresses()) {
                // A name is either a workload uid or a service key; upstream tries the workload first.
                if (!m.removeWorkload(name)) {
                    m.removeService(name);
                }
            }
            for (Address a : delta.addresses()) {
                switch (a) {
                    case Workload w -> m.upsertWorkload(w);
                    case Service s -> m.upsertService(s);
                }
            }
            delta.removedPolicies().forEach(m::removePolicy);
            delta.policies().forEach(m::upsertPolicy);
            next = m.freeze();
            current = next;
        } finally {
            writeLock.unlock();
        }
        for (Consumer<ProxyState> l : listeners) {
            l.accept(next);
        }
        return next;
    }
}
