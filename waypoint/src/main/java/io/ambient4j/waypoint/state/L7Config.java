package io.ambient4j.waypoint.state;

import io.ambient4j.waypoint.policy.L7Policy;
import io.ambient4j.waypoint.route.HttpRoute;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The waypoint's L7 configuration at one moment: policies and routes by {@code <ns>/<name>}. Immutable; the xDS
 * thread publishes a new one per push through {@link WaypointState}.
 */
public record L7Config(Map<String, L7Policy> policies, Map<String, HttpRoute> routes) {
    public static final L7Config EMPTY = new L7Config(Map.of(), Map.of());

    public L7Config {
        policies = java.util.Collections.unmodifiableMap(new TreeMap<>(policies));
        routes = java.util.Collections.unmodifiableMap(new TreeMap<>(routes));
    }

    public List<L7Policy> policyList() {
        return List.copyOf(policies.values());
    }

    public List<HttpRoute> routeList() {
        return List.copyOf(routes.values());
    }

    /** A copy with upserts and removals applied to the policies. */
    public L7Config withPolicies(List<L7Policy> upserts, List<String> removed) {
        Map<String, L7Policy> m = new TreeMap<>(policies);
        removed.forEach(m::remove);
        upserts.forEach(p -> m.put(p.key(), p));
        return new L7Config(m, routes);
    }

    /** A copy with upserts and removals applied to the routes. */
    public L7Config withRoutes(List<HttpRoute> upserts, List<String> removed) {
        Map<String, HttpRoute> m = new TreeMap<>(routes);
        removed.forEach(m::remove);
        upserts.forEach(r -> m.put(r.key(), r));
        return new L7Config(policies, m);
    }
}
