package io.ambient4j.ztunnel.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service (Kubernetes Service or ServiceEntry host) converted once from {@code istio.workload.Service}.
 * Endpoints are not part of the record: they come from workloads and live in {@link ProxyState}.
 *
 * @param vips host VIPs per network; empty for a headless service
 * @param cidrVips VIPs with a prefix shorter than a host address (kept, not indexed for lookups)
 * @param ports service port → target port (0 = named port, resolved per endpoint)
 * @param subjectAltNames extra SPIFFE identities accepted from this service's endpoints
 */
public record Service(
        String name,
        String namespace,
        String hostname,
        List<NetworkAddress> vips,
        List<String> cidrVips,
        Map<Integer, Integer> ports,
        List<String> subjectAltNames,
        Optional<GatewayAddress> waypoint,
        List<WeightedWaypoint> weightedWaypoints,
        Optional<LoadBalancing> loadBalancing,
        IpFamilies ipFamilies,
        boolean canonical,
        boolean ingressUseWaypoint,
        Visibility visibility)
        implements Address {

    public Service {
        vips = List.copyOf(vips);
        cidrVips = List.copyOf(cidrVips);
        ports = Map.copyOf(ports);
        subjectAltNames = List.copyOf(subjectAltNames);
        weightedWaypoints = List.copyOf(weightedWaypoints);
    }

    public NamespacedHostname namespacedHostname() {
        return new NamespacedHostname(namespace, hostname);
    }

    @Override
    public String resourceName() {
        return namespacedHostname().key();
    }

    /** Whether a client in {@code clientNamespace} may resolve and route to this service. */
    public boolean visibleTo(String clientNamespace) {
        return visibility != Visibility.NAMESPACE || namespace.equals(clientNamespace);
    }

    /** Whether an endpoint in this health state may receive traffic. */
    public boolean includes(Endpoint ep) {
        return ep.healthy()
                || loadBalancing
                        .map(lb -> lb.healthPolicy() == LoadBalancing.HealthPolicy.ALLOW_ALL)
                        .orElse(false);
    }

    /** A canary share of a service's waypoints. */
    public record WeightedWaypoint(GatewayAddress destination, int weight) {}

    public enum IpFamilies {
        AUTOMATIC,
        IPV4_ONLY,
        IPV6_ONLY,
        DUAL
    }

    public enum Visibility {
        PUBLIC,
        NAMESPACE
    }
}
