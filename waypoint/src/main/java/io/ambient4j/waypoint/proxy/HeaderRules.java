package io.ambient4j.waypoint.proxy;

import io.ambient4j.waypoint.http.HeaderList;
import io.ambient4j.waypoint.route.HttpRoute;
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
