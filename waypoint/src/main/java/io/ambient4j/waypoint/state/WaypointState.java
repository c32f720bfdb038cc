package io.ambient4j.waypoint.state;

import io.ambient4j.waypoint.policy.L7Policy;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of everything the waypoint's data path reads: the mesh addresses (ztunnel's {@link ProxyState}
 * model, through its own {@link StateUpdater}) and the {@link L7Config}. Readers take one {@link #snapshot()} per
 * request and never lock; the xDS thread is the only caller of the {@code apply} methods.
 */
public final class WaypointState {
    /**
     * What one request sees: addresses and L7 configuration as of the same moment.
     *
     * @param portProtocols service resource name ({@code <ns>/<hostname>}) → service port → declared protocol
     */
    public record Snapshot(ProxyState mesh, L7Config l7, Map<String, Map<Integer, PortProtocol>> portProtocols) {
        /** The declared protocol of a service port; {@link PortProtocol#UNDECLARED} when unknown. */
        public PortProtocol protocol(String serviceKey, int port) {
            return portProtocols.getOrDefault(serviceKey, Map.of()).getOrDefault(port, PortProtocol.UNDECLARED);
        }
    }

    private final StateUpdater addresses = new StateUpdater();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Snapshot current = new Snapshot(addresses.current(), L7Config.EMPTY, Map.of());

    public Snapshot snapshot() {
        return current;
    }

    public void applyAddresses(StateDelta delta) {
        applyAddresses(delta, Map.of());
    }

    /**
     * Applies an Address push, with the port protocols of the services it carries (a service in the push replaces
     * its entry; a removed name drops it).
     */
    public void applyAddresses(StateDelta delta, Map<String, Map<Integer, PortProtocol>> protocols) {
        writeLock.lock();
        try {
            ProxyState mesh = addresses.apply(delta);
            Map<String, Map<Integer, PortProtocol>> next = new HashMap<>(current.portProtocols());
            delta.removedAddresses().forEach(next::remove);
            protocols.forEach((k, v) -> next.put(k, Map.copyOf(v)));
            current = new Snapshot(mesh, current.l7(), Map.copyOf(next));
        } finally {
            writeLock.unlock();
        }
    }

    public void applyPolicies(List<L7Policy> upserts, List<String> removed) {
        writeLock.lock();
        try {
            current =
                    new Snapshot(current.mesh(), current.l7().withPolicies(upserts, removed), current.portProtocols());
        } finally {
            writeLock.unlock();
        }
    }

    public void applyRoutes(List<HttpRoute> upserts, List<String> removed) {
        writeLock.lock();
        try {
            current = new Snapshot(current.mesh(), current.l7().withRoutes(upserts, removed), current.portProtocols());
        } finally {
            writeLock.unlock();
        }
    }
}
