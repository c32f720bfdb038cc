package io.ambient4j.istiod.waypoint;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the built-in GatewayClass {@code istio-waypoint} (controller {@code istio.io/mesh-controller}): creates
 * it when missing, since {@code istioctl waypoint apply} and users only create Gateways, and keeps its
 * {@code Accepted=True} condition with the current {@code observedGeneration}, restoring it if it is wiped.
 */
final class GatewayClassReconciler {
    static final String CONTROLLER_NAME = "istio.io/mesh-controller";
    static final ResourceDefinitionContext GATEWAY_CLASSES = new ResourceDefinitionContext.Builder()
            .withGroup("gateway.networking.k8s.io")
            .withVersion("v1")
            .withKind("GatewayClass")
            .withPlural("gatewayclasses")
            .withNamespaced(false)
            .build();

    private final KubernetesClient client;

    GatewayClassReconciler(KubernetesClient client) {
        this.client = client;
    }

    void reconcile() {
        var resource = client.genericKubernetesResources(GATEWAY_CLASSES).withName(WaypointNames.WAYPOINT_CLASS);
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            GenericKubernetesResource gc = new GenericKubernetesResource();
            gc.setApiVersion("gateway.networking.k8s.io/v1");
            gc.setKind("GatewayClass");
            gc.setMetadata(new ObjectMetaBuilder()
                    .withName(WaypointNames.WAYPOINT_CLASS)
                    .build());
            gc.getAdditionalProperties()
                    .put(
                            "spec",
                            Map.of(
                                    "controllerName",
                                    CONTROLLER_NAME,
                                    "description",
                                    "The default Istio waypoint GatewayClass"));
            current = client.genericKubernetesResources(GATEWAY_CLASSES)
                    .resource(gc)
                    .create();
        }
        Object spec = current.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> s) || !CONTROLLER_NAME.equals(s.get("controllerName"))) {
            return; // someone else's class of the same name: not ours to mark accepted
        }
        Long generation = current.getMetadata().getGeneration();
        Map<String, Object> status = new LinkedHashMap<>();
        if (current.getAdditionalProperties().get("status") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> status.put(String.valueOf(k), v));
        }
        Map<String, Object> next = accepted(status, generation == null ? 0 : generation, Instant.now());
        if (WaypointStatus.sameIgnoringTimes(status, next)) {
            return;
        }
        current.getAdditionalProperties().put("status", next);
        client.genericKubernetesResources(GATEWAY_CLASSES).resource(current).updateStatus();
    }

    /** The status with our {@code Accepted=True}; other condition types are kept. */
    static Map<String, Object> accepted(Map<String, Object> current, long generation, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>(current);
        List<Object> conditions = new ArrayList<>();
        Object since = null;
        if (current.get("conditions") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof Map<?, ?> m && "Accepted".equals(m.get("type"))) {
                    if ("True".equals(m.get("status"))) {
                        since = m.get("lastTransitionTime");
                    }
                } else {
                    conditions.add(c);
                }
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Accepted");
        c.put("status", "True");
        c.put("reason", "Accepted");
        c.put("message", "Handled by Istio controller");
        c.put("observedGeneration", generation);
        c.put("lastTransitionTime", since != null ? since : now.toString());
        conditions.add(c);
        out.put("conditions", conditions);
        return out;
    }
}
