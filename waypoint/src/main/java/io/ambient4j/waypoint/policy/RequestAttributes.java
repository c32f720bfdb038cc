package io.ambient4j.waypoint.policy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an L7 authorization decision may look at for one request: the mTLS-verified source identity (never
 * baggage), the source IP, the service and port the client addressed, and the request line and headers.
 *
 * @param headers lower-case header names → values in arrival order
 * @param path the path without the query string
 */
public record RequestAttributes(
        Optional<SpiffeId> principal,
        InetAddress sourceIp,
        NamespacedHostname service,
        InetAddress destinationIp,
        int destinationPort,
        String method,
        String host,
        String path,
        Map<String, List<String>> headers) {

    public RequestAttributes {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, by lower-case name. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }
}
