package io.ambient4j.conformance.services;

import java.util.List;

/**
 * What kube-proxy and DNS need to know about one Service, flattened out of the API objects so that the
 * rule and record builders are pure functions.
 */
public record ServiceView(String namespace, String name, String clusterIp, List<PortView> ports) {
    /** One Service port and the endpoints behind it ({@code ip:targetPort} of ready pods). */
    public record PortView(String name, String protocol, int port, List<Endpoint> endpoints) {}

    /** One ready endpoint. */
    public record Endpoint(String ip, int port) {}

    public ServiceView {
        ports = List.copyOf(ports);
    }

    public boolean headless() {
        return clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None");
    }
}
