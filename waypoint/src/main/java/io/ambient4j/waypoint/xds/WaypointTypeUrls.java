package io.ambient4j.waypoint.xds;

import io.ambient4j.ztunnel.xds.TypeUrls;
import java.util.List;

/** The delta-xDS types the waypoint subscribes to: mesh addresses (as ztunnel) and ambient4j's L7 contract. */
public final class WaypointTypeUrls {
    public static final String ADDRESS = TypeUrls.ADDRESS;
    public static final String L7_POLICY = "type.googleapis.com/ambient4j.waypoint.L7Policy";
    public static final String HTTP_ROUTE = "type.googleapis.com/ambient4j.waypoint.HttpRoute";
    public static final List<String> ALL = List.of(ADDRESS, L7_POLICY, HTTP_ROUTE);

    private WaypointTypeUrls() {}
}
