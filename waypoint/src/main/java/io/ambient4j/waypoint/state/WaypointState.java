package io.ambient4j.waypoint.state;

import io.ambient4j.waypoint.policy.L7Policy;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of everything the waypoint's data path reads: the mesh addresses (ztunnel's {@link ProxyState}
 * model, through its own {@link StateUpdater}) and the {@link L7Config}. Readers take one {@link #snapshot()} per
 * request and never lock; the xDS thread is the only caller of the {@code apply} methods.
 */
public final class WaypointState {
    /** What one request sees: addresses and L7 configuration as of the same moment. */
    public record Snapshot(ProxyState mesh, L7Config l7) {}

    private final StateUpdater addresses = new StateUpdater();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Snapshot current = new Snapshot(addresses.current(), L7Config.EMPTY);

    public Snapshot snapshot() {
        return current;
    }

    public void applyAddresses(StateDelta delta) {
        writeLock.lock();
        try {
            ProxyState mesh = addresses.apply(delta);
            current = new Snapshot(mesh, current.l7());
        } finally {
            writeLock.unlock();
        }
    }

    public void applyPolicies(List<L7Policy> upserts, List<String> removed) {
        writeLock.lock();
        try {
            current = new Snapshot(current.mesh(), current.l7().withPolicies(upserts, removed));
        } finally {
            writeLock.unlock();
        }
    }

    public void applyRoutes(List<HttpRoute> upserts, List<String> removed) {
        writeLock.lock();
        try {
            current = new Snapshot(current.mesh(), current.l7().withRoutes(upserts, removed));
        } finally {
            writeLock.unlock();
        }
    }
}
