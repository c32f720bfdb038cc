package io.ambient4j.istiod.xds;

/** The xDS type URLs ambient mode serves to ztunnel (upstream {@code pkg/model/xds.go}) and to ambient4j waypoints. */
public final class TypeUrls {
    public static final String ADDRESS = "type.googleapis.com/istio.workload.Address";
    public static final String AUTHORIZATION = "type.googleapis.com/istio.security.Authorization";
    /** ambient4j's waypoint L7 authorization (api/src/main/proto/ambient4j/waypoint/waypoint.proto). */
    public static final String L7_POLICY = "type.googleapis.com/ambient4j.waypoint.L7Policy";
    /** ambient4j's waypoint HTTP routes (Gateway API HTTPRoute, resolved). */
    public static final String HTTP_ROUTE = "type.googleapis.com/ambient4j.waypoint.HttpRoute";
    /** Defined upstream, unused by ztunnel; not served. */
    public static final String WORKLOAD = "type.googleapis.com/istio.workload.Workload";

    private TypeUrls() {}
}
