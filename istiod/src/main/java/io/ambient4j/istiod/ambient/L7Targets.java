package io.ambient4j.istiod.ambient;

import com.google.protobuf.Message;
import io.ambient4j.api.waypoint.ServiceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the L7 translations ({@link L7PolicyTranslator}, {@link HttpRouteTranslator}) need to know about the mesh:
 * the ready waypoints and every Service/ServiceEntry with its hostnames and the waypoint it is bound to. Built by
 * the index from its state, so the translations stay pure and table-testable.
 *
 * @param waypoints ready waypoints by {@code ns/name}
 * @param services by {@code Service/ns/name} or {@code ServiceEntry/ns/name}
 */
public record L7Targets(Map<String, Waypoint> waypoints, Map<String, Target> services) {
    public L7Targets {
        waypoints = Map.copyOf(waypoints);
        services = Map.copyOf(services);
    }

    /**
     * A Service or ServiceEntry.
     *
     * @param namespace its namespace
     * @param hostnames {@code name.ns.svc.<domain>} for a Service; {@code spec.hosts} for a ServiceEntry
     * @param waypoint the {@code ns/name} of the waypoint it is bound to, or null
     */
    public record Target(String namespace, List<String> hostnames, String waypoint) {
        public Target {
            hostnames = List.copyOf(hostnames);
        }

        List<ServiceRef> refs() {
            List<ServiceRef> out = new ArrayList<>();
            for (String h : hostnames) {
                out.add(ServiceRef.newBuilder()
                        .setNamespace(namespace)
                        .setHostname(h)
                        .build());
            }
            return out;
        }
    }

    /** Key of a Kubernetes Service. */
    public static String serviceKey(String ns, String name) {
        return "Service/" + ns + "/" + name;
    }

    /** Key of a ServiceEntry. */
    public static String serviceEntryKey(String ns, String name) {
        return "ServiceEntry/" + ns + "/" + name;
    }

    /** The services bound to {@code waypointKey}, sorted by hostname. */
    List<ServiceRef> servicesOf(String waypointKey) {
        List<ServiceRef> out = new ArrayList<>();
        for (Target t : services.values()) {
            if (waypointKey.equals(t.waypoint())) {
                out.addAll(t.refs());
            }
        }
        out.sort(java.util.Comparator.comparing(ServiceRef::getHostname).thenComparing(ServiceRef::getNamespace));
        return out;
    }

    /**
     * One translated L7 resource and the waypoints ({@code ns/name}) it is delivered to; never empty (a resource
     * that concerns no waypoint is not published).
     */
    public record Targeted(Message body, Set<String> audience) {
        public Targeted {
            audience = Set.copyOf(new TreeSet<>(audience));
            if (audience.isEmpty()) {
                throw new IllegalArgumentException("a targeted resource needs at least one waypoint");
            }
        }
    }

    /**
     * The outcome for one object.
     *
     * @param resource what is published, or null when it concerns no ready waypoint
     * @param problems human-readable notes on unsupported or unresolvable parts (logged; empty when clean)
     */
    public record Result(Targeted resource, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }
}
