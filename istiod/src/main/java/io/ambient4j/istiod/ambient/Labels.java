package io.ambient4j.istiod.ambient;

/** Label and annotation names ambient reads (upstream {@code istio/api} label.yaml / annotation.yaml). */
public final class Labels {
    public static final String AMBIENT_REDIRECTION = "ambient.istio.io/redirection";
    public static final String AMBIENT_REDIRECTION_ENABLED = "enabled";
    public static final String TUNNEL = "networking.istio.io/tunnel";
    public static final String TUNNEL_HTTP = "http";
    public static final String USE_WAYPOINT = "istio.io/use-waypoint";
    public static final String USE_WAYPOINT_NAMESPACE = "istio.io/use-waypoint-namespace";
    public static final String WAYPOINT_FOR = "istio.io/waypoint-for";
    public static final String INGRESS_USE_WAYPOINT = "istio.io/ingress-use-waypoint";
    public static final String GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name";
    public static final String GATEWAY_MANAGED = "gateway.istio.io/managed";
    public static final String MANAGED_MESH_CONTROLLER = "istio.io-mesh-controller";
    public static final String MANAGED_EAST_WEST_CONTROLLER = "istio.io-eastwest-controller";
    public static final String CANONICAL_NAME = "service.istio.io/canonical-name";
    public static final String CANONICAL_REVISION = "service.istio.io/canonical-revision";
    public static final String WORKLOAD_NAME = "service.istio.io/workload-name";
    public static final String REV = "istio.io/rev";
    public static final String DRY_RUN = "istio.io/dry-run";
    public static final String TRAFFIC_DISTRIBUTION = "networking.istio.io/traffic-distribution";
    public static final String TOPOLOGY_REGION = "topology.kubernetes.io/region";
    public static final String TOPOLOGY_ZONE = "topology.kubernetes.io/zone";
    public static final String TOPOLOGY_SUBZONE = "topology.istio.io/subzone";
    public static final String AUTOALLOCATE_IP = "networking.istio.io/enable-autoallocate-ip";

    /** Values of {@code istio.io/waypoint-for}. */
    public static final String TRAFFIC_SERVICE = "service";

    public static final String TRAFFIC_WORKLOAD = "workload";
    public static final String TRAFFIC_ALL = "all";

    private Labels() {}
}
