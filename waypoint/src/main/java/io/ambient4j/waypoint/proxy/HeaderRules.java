package io.ambient4j.waypoint.proxy;

import io.ambient4j.waypoint.http.HeaderList;
import io.ambient4j.waypoint.http.RequestHead;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.waypoint.route.RouteDecision;
import java.util.List;
import java.util.Map;

/** Header handling around forwarding: hop-by-hop removal (RFC 9110 §7.6.1) and Gateway API header modifiers. */
final class HeaderRules {
    static final List<String> HOP_BY_HOP = List.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade");

    private HeaderRules() {}

    /** Drops hop-by-hop fields, including those the Connection header names. */
    static void stripHopByHop(HeaderList h) {
        for (String v : h.all("connection")) {
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    h.remove(t.strip());
                }
            }
        }
        HOP_BY_HOP.forEach(h::remove);
    }

    /**
     * The header section sent to the backend for a request: hop-by-hop fields dropped, the route's modifiers applied,
     * Host as routed (rewritten or not), {@code x-forwarded-proto} and {@code x-request-id} added when absent, the
     * body's length, and {@code Connection: close} (one exchange per upstream stream) unless the client asked to
     * upgrade, in which case the upgrade pair is passed on.
     */
    static HeaderList upstreamRequest(
            RequestHead req,
            RouteDecision.Forward f,
            int bodyLength,
            java.util.Optional<String> upgrade,
            String requestId) {
        HeaderList headers = req.headers().copy();
        stripHopByHop(headers);
        headers.remove("expect");
        apply(headers, f.requestHeaders());
        headers.set("host", f.host());
        if (!headers.has("x-forwarded-proto")) {
            headers.set("x-forwarded-proto", "http");
        }
        if (!headers.has("x-request-id")) {
            headers.set("x-request-id", requestId);
        }
        headers.remove("content-length");
        if (bodyLength > 0 || !BODYLESS.contains(req.method())) {
            headers.set("content-length", Integer.toString(bodyLength));
        }
        if (upgrade.isPresent()) {
            headers.set("connection", "upgrade");
            headers.set("upgrade", upgrade.get());
        } else {
            headers.set("connection", "close");
        }
        return headers;
    }

    /** Methods that carry no body by convention: no {@code Content-Length: 0} is added for them. */
    private static final List<String> BODYLESS = List.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    /** Applies each modifier in order: set replaces, add appends, remove drops. */
    static void apply(HeaderList h, List<HttpRoute.HeaderModifier> mods) {
        for (HttpRoute.HeaderModifier m : mods) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(m.set()).entrySet()) {
                h.set(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(m.add()).entrySet()) {
                h.add(e.getKey(), e.getValue());
            }
            m.remove().forEach(h::remove);
        }
    }
}
