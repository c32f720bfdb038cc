package io.ambient4j.istioctl.waypoint;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The waypoint Gateway as upstream istioctl builds it (a pure function, table-tested): class
 * {@code istio-waypoint}, one listener {@code mesh} on 15008 speaking HBONE, and the labels
 * {@code istio.io/waypoint-for} (only when --for is given: istiod otherwise defaults to service)
 * and {@code istio.io/rev}.
 */
public final class Waypoints {
    public static final String GATEWAY_CLASS = "istio-waypoint";
    public static final String DEFAULT_NAME = "waypoint";
    public static final String LABEL_WAYPOINT_FOR = "istio.io/waypoint-for";
    public static final String LABEL_USE_WAYPOINT = "istio.io/use-waypoint";
    public static final String LABEL_REV = "istio.io/rev";
    public static final String LABEL_DATAPLANE_MODE = "istio.io/dataplane-mode";
    public static final Set<String> TRAFFIC_TYPES = Set.of("all", "none", "service", "workload");

    /** Gateway API v1 Gateways, named explicitly so no discovery round trip is needed. */
    public static final ResourceDefinitionContext GATEWAYS = new ResourceDefinitionContext.Builder()
            .withGroup("gateway.networking.k8s.io")
            .withVersion("v1")
            .withKind("Gateway")
            .withPlural("gateways")
            .withNamespaced(true)
            .build();

    private Waypoints() {}

    public static GenericKubernetesResource gateway(String name, String namespace, String forType, String revision) {
        if (name == null || name.isEmpty()) {
            name = DEFAULT_NAME;
        } else if (name.equals("none")) {
            throw new IstioctlException(
                    Reason.BAD_ARGUMENT, "invalid name provided for waypoint, 'none' is a reserved value");
        }
        Map<String, String> labels = new TreeMap<>();
        if (forType != null && !forType.isEmpty()) {
            if (!TRAFFIC_TYPES.contains(forType)) {
                throw new IstioctlException(
                        Reason.BAD_ARGUMENT,
                        "invalid traffic type: " + forType + ". Valid options are: [all none service workload]");
            }
            labels.put(LABEL_WAYPOINT_FOR, forType);
        }
        if (revision != null && !revision.isEmpty()) {
            labels.put(LABEL_REV, revision);
        }
        GenericKubernetesResource gw = new GenericKubernetesResource();
        gw.setApiVersion("gateway.networking.k8s.io/v1");
        gw.setKind("Gateway");
        gw.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels.isEmpty() ? null : labels)
                .build());
        Map<String, Object> listener = new LinkedHashMap<>();
        listener.put("name", "mesh");
        listener.put("port", 15008);
        listener.put("protocol", "HBONE");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("gatewayClassName", GATEWAY_CLASS);
        spec.put("listeners", List.of(listener));
        gw.setAdditionalProperty("spec", spec);
        return gw;
    }

    /** The Gateway's class name, or null. */
    public static String gatewayClass(GenericKubernetesResource gw) {
        return gw.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                ? (String) spec.get("gatewayClassName")
                : null;
    }

    /** The status of the Gateway's Programmed condition ("True", "False", "Unknown"), or "False" when absent. */
    public static String programmed(GenericKubernetesResource gw) {
        if (gw.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && status.get("conditions") instanceof List<?> conds) {
            for (Object c : conds) {
                if (c instanceof Map<?, ?> m && "Programmed".equals(m.get("type"))) {
                    return String.valueOf(m.get("status"));
                }
            }
        }
        return "False";
    }
}
