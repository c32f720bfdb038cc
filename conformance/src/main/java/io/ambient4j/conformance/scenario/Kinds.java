package io.ambient4j.conformance.scenario;

import java.util.Map;
import java.util.Set;

/** apiVersions of the kinds scenarios name without one, and which kinds are cluster-scoped. */
public final class Kinds {
    private static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Namespace", "v1"),
            Map.entry("Pod", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("ServiceAccount", "v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Secret", "v1"),
            Map.entry("Node", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("ReplicaSet", "apps/v1"),
            Map.entry("EndpointSlice", "discovery.k8s.io/v1"),
            Map.entry("AuthorizationPolicy", "security.istio.io/v1"),
            Map.entry("PeerAuthentication", "security.istio.io/v1"),
            Map.entry("ServiceEntry", "networking.istio.io/v1"),
            Map.entry("WorkloadEntry", "networking.istio.io/v1"),
            Map.entry("HTTPRoute", "gateway.networking.k8s.io/v1"),
            Map.entry("GatewayClass", "gateway.networking.k8s.io/v1"));
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "GatewayClass");

    private Kinds() {}

    /** The apiVersion for a well-known kind, or null. */
    public static String apiVersion(String kind) {
        return API_VERSIONS.get(kind);
    }

    public static boolean namespaced(String kind) {
        return !CLUSTER_SCOPED.contains(kind);
    }
}
