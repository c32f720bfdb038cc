package io.ambient4j.waypoint.admin;

import io.ambient4j.waypoint.policy.L7Policy;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.waypoint.state.WaypointState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.util.List;
import java.util.Optional;

/**
 * {@code /config_dump}: what this waypoint holds right now, sorted, as JSON, so an operator (or a test harness) can
 * see which policies and routes istiod sent and which services it can reach.
 */
public final class ConfigDump {
    private ConfigDump() {}

    public static String render(
            WaypointState.Snapshot snap, String identity, Optional<String> certNotAfter, boolean xdsSynced) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"identity\": ").append(q(identity)).append(",\n");
        sb.append("  \"certificate\": ")
                .append(certNotAfter
                        .map(t -> "{\"state\": \"Available\", \"notAfter\": " + q(t) + "}")
                        .orElse("{\"state\": \"Initializing\"}"))
                .append(",\n");
        sb.append("  \"xdsSynced\": ").append(xdsSynced).append(",\n");
        sb.append("  \"policies\": [");
        List<L7Policy> policies = snap.l7().policyList();
        for (int i = 0; i < policies.size(); i++) {
            L7Policy p = policies.get(i);
            sb.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"name\": ")
                    .append(q(p.key()))
                    .append(", \"action\": ")
                    .append(q(p.action().name()))
                    .append(", \"dryRun\": ")
                    .append(p.dryRun())
                    .append(", \"rules\": ")
                    .append(p.rules().size())
                    .append(", \"services\": ")
                    .append(list(p.services().stream().map(Object::toString).toList()))
                    .append('}');
        }
        sb.append(policies.isEmpty() ? "],\n" : "\n  ],\n");
        sb.append("  \"routes\": [");
        List<HttpRoute> routes = snap.l7().routeList();
        for (int i = 0; i < routes.size(); i++) {
            HttpRoute r = routes.get(i);
            sb.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"name\": ")
                    .append(q(r.key()))
                    .append(", \"rules\": ")
                    .append(r.rules().size())
                    .append(", \"parents\": ")
                    .append(list(r.parents().stream()
                            .map(p -> p.service() + (p.port() == 0 ? "" : ":" + p.port()))
                            .toList()))
                    .append('}');
        }
        sb.append(routes.isEmpty() ? "],\n" : "\n  ],\n");
        sb.append("  \"services\": ")
                .append(list(snap.mesh().services().stream()
                        .map(Service::resourceName)
                        .sorted()
                        .toList()))
                .append(",\n");
        sb.append("  \"workloads\": ")
                .append(list(snap.mesh().workloads().stream()
                        .map(Workload::uid)
                        .sorted()
                        .toList()))
                .append("\n}\n");
        return sb.toString();
    }

    private static String list(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(q(items.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
