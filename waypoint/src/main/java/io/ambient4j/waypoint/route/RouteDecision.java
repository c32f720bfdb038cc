package io.ambient4j.waypoint.route;

import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.List;
import java.util.Optional;

/**
 * What routing decided for one request: forward to a backend service (with the rule's filters), or answer directly.
 * The data path does the I/O; this value is what the table tests check.
 */
public sealed interface RouteDecision {
    /** The route that decided ({@code <ns>/<name>}), or {@code default} when no route applied. */
    String route();

    /**
     * Forward to {@code service:port}; {@code service} may not exist in the mesh state (then 500, as Envoy answers a
     * route to a missing cluster with the waypoint's configuration).
     *
     * @param path the path (and query) to send upstream, after any rewrite
     * @param host the Host to send upstream
     */
    record Forward(
            String route,
            NamespacedHostname service,
            int port,
            String path,
            String host,
            List<HttpRoute.HeaderModifier> requestHeaders,
            List<HttpRoute.HeaderModifier> responseHeaders,
            long requestTimeoutMs,
            long backendTimeoutMs,
            Optional<HttpRoute.Retry> retry)
            implements RouteDecision {
        public Forward {
            requestHeaders = List.copyOf(requestHeaders);
            responseHeaders = List.copyOf(responseHeaders);
        }
    }

    /** Answer without a backend: a redirect, a configured direct response, or 500 for an invalid backend. */
    record Respond(String route, int status, Optional<String> location, List<HttpRoute.HeaderModifier> responseHeaders)
            implements RouteDecision {
        public Respond {
            responseHeaders = List.copyOf(responseHeaders);
        }
    }
}
