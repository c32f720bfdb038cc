package io.ambient4j.istiod.ambient;

import io.ambient4j.api.workload.GatewayAddress;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * A ready waypoint: a Gateway of the waypoint class whose status carries an address. Immutable, so the
 * index can compare old and new to decide whether bound objects must be recomputed.
 *
 * @param namespace the Gateway's namespace
 * @param name the Gateway's name
 * @param address what bound Services/Workloads publish ({@code hbone_mtls_port} 15008)
 * @param trafficType {@code istio.io/waypoint-for}: service (default), workload, all, none
 * @param serviceAccounts sorted service accounts of the waypoint's pods (for allow-from-waypoint policies)
 * @param allowedFrom listener {@code allowedRoutes.namespaces.from}: All, Selector, Same
 * @param allowedSelector the namespace selector when {@code allowedFrom} is Selector
 */
public record Waypoint(
        String namespace,
        String name,
        GatewayAddress address,
        String trafficType,
        List<String> serviceAccounts,
        String allowedFrom,
        LabelSelector allowedSelector) {
    public Waypoint {
        serviceAccounts = List.copyOf(serviceAccounts);
    }

    /** {@code ns/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    boolean servesServices() {
        return Labels.TRAFFIC_SERVICE.equals(trafficType) || Labels.TRAFFIC_ALL.equals(trafficType);
    }

    boolean servesWorkloads() {
        return Labels.TRAFFIC_WORKLOAD.equals(trafficType) || Labels.TRAFFIC_ALL.equals(trafficType);
    }

    /** Whether an object in {@code ns} (with namespace labels {@code nsLabels}) may attach. */
    boolean allowsAttachmentFrom(String ns, Map<String, String> nsLabels) {
        return switch (allowedFrom) {
            case "All" -> true;
            case "Selector" -> matches(allowedSelector, nsLabels == null ? Map.of() : nsLabels);
            default -> namespace.equals(ns);
        };
    }

    /** Kubernetes LabelSelector semantics (matchLabels AND matchExpressions). */
    static boolean matches(LabelSelector sel, Map<String, String> labels) {
        if (sel == null) {
            return false;
        }
        if (sel.getMatchLabels() != null) {
            for (var e : sel.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (sel.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : sel.getMatchExpressions()) {
                String v = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> v != null && values.contains(v);
                    case "NotIn" -> v == null || !values.contains(v);
                    case "Exists" -> v != null;
                    case "DoesNotExist" -> v == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
