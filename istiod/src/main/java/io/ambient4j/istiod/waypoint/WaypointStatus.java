package io.ambient4j.istiod.waypoint;

import io.fabric8.kubernetes.api.model.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Gateway status a waypoint gets (pure). Once its Service has a ClusterIP the Gateway is Programmed
 * and {@code status.addresses} lists the Service hostname, then its IPs; the ambient index only binds
 * workloads to a waypoint whose Gateway has addresses, so this is what makes a waypoint usable.
 */
public final class WaypointStatus {
    private WaypointStatus() {}

    /**
     * The next status map, keeping fields this controller does not own (e.g. {@code listeners}).
     *
     * @param current the Gateway's current status (may be null)
     * @param service the waypoint Service as the API server has it, or null if not created yet
     * @param generation the Gateway's {@code metadata.generation}
     * @param clusterDomain e.g. {@code cluster.local}
     * @param now timestamp for conditions whose status changes
     */
    public static Map<String, Object> next(
            Map<String, Object> current, Service service, long generation, String clusterDomain, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>(current == null ? Map.of() : current);
        List<String> ips = clusterIps(service);
        List<Map<String, Object>> conditions = new ArrayList<>();
        conditions.add(condition(current, "Accepted", "True", "Accepted", "Resource accepted", generation, now));
        if (ips.isEmpty()) {
            out.remove("addresses");
            conditions.add(condition(
                    current,
                    "Programmed",
                    "False",
                    "AddressNotAssigned",
                    service == null
                            ? "Waiting for the waypoint Service to be created"
                            : "Waiting for the waypoint Service to get a ClusterIP",
                    generation,
                    now));
        } else {
            List<Map<String, Object>> addresses = new ArrayList<>();
            String host = service.getMetadata().getName() + "."
                    + service.getMetadata().getNamespace() + ".svc." + clusterDomain;
            addresses.add(address("Hostname", host));
            for (String ip : ips) {
                addresses.add(address("IPAddress", ip));
            }
            out.put("addresses", addresses);
            conditions.add(condition(
                    current,
                    "Programmed",
                    "True",
                    "Programmed",
                    "Resource programmed, assigned to service(s) " + host,
                    generation,
                    now));
        }
        out.put("conditions", mergeConditions(current, conditions));
        return out;
    }

    /** True when {@code a} and {@code b} differ only in condition timestamps. */
    public static boolean sameIgnoringTimes(Map<String, Object> a, Map<String, Object> b) {
        return Objects.equals(strip(a), strip(b));
    }

    private static Object strip(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (!"lastTransitionTime".equals(k)) {
                    out.put(String.valueOf(k), strip(v));
                }
            });
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(WaypointStatus::strip).toList();
        }
        return o instanceof Number n ? n.longValue() : o;
    }

    private static List<String> clusterIps(Service s) {
        if (s == null || s.getSpec() == null) {
            return List.of();
        }
        List<String> ips = new ArrayList<>();
        if (s.getSpec().getClusterIPs() != null) {
            ips.addAll(s.getSpec().getClusterIPs());
        }
        String ip = s.getSpec().getClusterIP();
        if (ip != null && !ips.contains(ip)) {
            ips.addFirst(ip);
        }
        ips.removeIf(i -> i == null || i.isEmpty() || "None".equals(i));
        return ips;
    }

    private static Map<String, Object> address(String type, String value) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", type);
        a.put("value", value);
        return a;
    }

    private static Map<String, Object> condition(
            Map<String, Object> current,
            String type,
            String status,
            String reason,
            String message,
            long generation,
            Instant now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status);
        c.put("reason", reason);
        c.put("message", message);
        c.put("observedGeneration", generation);
        Map<?, ?> previous = find(current, type);
        Object since =
                previous != null && status.equals(previous.get("status")) ? previous.get("lastTransitionTime") : null;
        c.put("lastTransitionTime", since != null ? since : now.toString());
        return c;
    }

    /** Our conditions replace theirs by type; other controllers' condition types are kept. */
    private static List<Object> mergeConditions(Map<String, Object> current, List<Map<String, Object>> ours) {
        List<Object> out = new ArrayList<>();
        if (current != null && current.get("conditions") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof Map<?, ?> m
                        && ours.stream().noneMatch(o -> o.get("type").equals(m.get("type")))) {
                    out.add(c);
                }
            }
        }
        out.addAll(ours);
        return out;
    }

    private static Map<?, ?> find(Map<String, Object> current, String type) {
        if (current != null && current.get("conditions") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                    return m;
                }
            }
        }
        return null;
    }
}
