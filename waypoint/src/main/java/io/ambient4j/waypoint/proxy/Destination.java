package io.ambient4j.waypoint.proxy;

import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetAddress;
import java.util.Optional;

/**
 * What a CONNECT {@code :authority} addresses (ambient-spec §2.2): a service VIP and port (a service waypoint) or a
 * pod IP and port (a workload waypoint). Resolved once per tunnel, as a pure function of the mesh state.
 */
sealed interface Destination {
    int port();

    record ToService(Service service, int port) implements Destination {}

    record ToWorkload(Workload workload, int port) implements Destination {}

    /** Service VIP first, then a workload address; empty when the address is not in the mesh state. */
    static Optional<Destination> resolve(ProxyState mesh, String network, InetAddress ip, int port) {
        NetworkAddress na = new NetworkAddress(network, ip);
        Optional<Service> svc = mesh.serviceByVip(na, Optional.empty());
        if (svc.isPresent()) {
            return Optional.of(new ToService(svc.get(), port));
        }
        return mesh.workloadByAddress(na).map(w -> new ToWorkload(w, port));
    }
}
