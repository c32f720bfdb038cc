package io.ambient4j.waypoint.proxy;

import io.ambient4j.ztunnel.state.Endpoint;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * Endpoint choice for a service the waypoint forwards to, as a pure function of the mesh state: the workloads the
 * service selects that may take traffic (healthy, or any under an ALLOW_ALL health policy) and have an address, with
 * the target port from the endpoint's or the service's port map; then a uniform random pick.
 */
public final class Endpoints {
    private Endpoints() {}

    /** A workload and the port to dial on it. */
    public record Target(Workload workload, int port) {}

    /** Every usable endpoint of {@code service} for {@code servicePort}, in a stable order. */
    public static List<Target> candidates(ProxyState mesh, Service service, int servicePort) {
        List<Target> out = new ArrayList<>();
        for (Endpoint ep : mesh.endpoints(service.resourceName())) {
            if (!service.includes(ep)) {
                continue;
            }
            Optional<Workload> w = mesh.workload(ep.workloadUid());
            if (w.isEmpty() || w.get().addresses().isEmpty()) {
                continue;
            }
            int target = targetPort(service, ep, servicePort);
            if (target > 0) {
                out.add(new Target(w.get(), target));
            }
        }
        out.sort(java.util.Comparator.comparing(t -> t.workload().uid()));
        return out;
    }

    /**
     * The endpoint's own mapping, else the service's; a port the service does not list is used as is (a backendRef
     * port or a headless service); a named port left unresolved (0 in both maps) makes the endpoint unusable.
     */
    static int targetPort(Service service, Endpoint ep, int servicePort) {
        Integer own = ep.ports().get(servicePort);
        if (own != null && own > 0) {
            return own;
        }
        Integer svc = service.ports().get(servicePort);
        if (svc != null) {
            return svc > 0 ? svc : 0;
        }
        return own != null ? 0 : servicePort;
    }

    /** A random candidate, or empty when the service has none. */
    public static Optional<Target> pick(ProxyState mesh, Service service, int servicePort, IntUnaryOperator random) {
        List<Target> all = candidates(mesh, service, servicePort);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(random.applyAsInt(all.size())));
    }
}
