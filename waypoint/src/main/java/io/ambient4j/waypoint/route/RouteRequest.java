package io.ambient4j.waypoint.route;

import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.List;
import java.util.Map;

/**
 * The parts of a request routing looks at.
 *
 * @param path the path without the query
 * @param query the raw query (without {@code ?}), possibly empty
 * @param headers lower-case names → values
 */
public record RouteRequest(
        NamespacedHostname service,
        int port,
        String method,
        String path,
        String query,
        Map<String, List<String>> headers) {
    public RouteRequest {
        headers = Map.copyOf(headers);
    }
}
