package io.ambient4j.istiod.waypoint;

import io.ambient4j.istiod.kube.crd.Gateway;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Names, labels and annotations every object rendered for one waypoint Gateway shares: the Gateway's
 * {@code spec.infrastructure} labels and annotations, the Gateway API name labels, and the owner reference
 * that makes Kubernetes delete them with the Gateway.
 */
public final class WaypointNames {
    public static final String WAYPOINT_CLASS = "istio-waypoint";
    public static final String GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name";
    public static final String GATEWAY_CLASS_NAME = "gateway.networking.k8s.io/gateway-class-name";
    public static final String MANAGED = "gateway.istio.io/managed";
    public static final String MESH_CONTROLLER = "istio.io-mesh-controller";
    static final String NAME_OVERRIDE = "gateway.istio.io/name-override";
    static final String SERVICE_ACCOUNT_OVERRIDE = "gateway.istio.io/service-account";
    private static final Set<String> NOT_PROPAGATED = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            NAME_OVERRIDE,
            SERVICE_ACCOUNT_OVERRIDE,
            "gateway.istio.io/controller-version");

    private WaypointNames() {}

    /** The Deployment and Service name: the Gateway's, unless {@code gateway.istio.io/name-override}. */
    public static String deploymentName(Gateway gw) {
        String o = annotations(gw).get(NAME_OVERRIDE);
        return o == null || o.isEmpty() ? gw.getMetadata().getName() : o;
    }

    /** The ServiceAccount: the deployment name, unless {@code gateway.istio.io/service-account}. */
    public static String serviceAccount(Gateway gw) {
        String o = annotations(gw).get(SERVICE_ACCOUNT_OVERRIDE);
        return o == null || o.isEmpty() ? deploymentName(gw) : o;
    }

    /** {@code spec.infrastructure.labels}. */
    static Map<String, String> infrastructureLabels(Gateway gw) {
        return infrastructure(gw, "labels");
    }

    /** {@code spec.infrastructure.annotations} minus the controller's own and kubectl's. */
    static Map<String, String> infrastructureAnnotations(Gateway gw) {
        Map<String, String> out = infrastructure(gw, "annotations");
        out.keySet().removeAll(NOT_PROPAGATED);
        return out;
    }

    /** Infrastructure labels plus the Gateway API name labels. */
    static Map<String, String> gatewayLabels(Gateway gw) {
        Map<String, String> out = infrastructureLabels(gw);
        out.put(GATEWAY_NAME, gw.getMetadata().getName());
        out.put(GATEWAY_CLASS_NAME, gw.getSpec().gatewayClassName);
        return out;
    }

    static List<OwnerReference> ownedBy(Gateway gw) {
        return List.of(new OwnerReferenceBuilder()
                .withApiVersion("gateway.networking.k8s.io/v1")
                .withKind("Gateway")
                .withName(gw.getMetadata().getName())
                .withUid(gw.getMetadata().getUid())
                .build());
    }

    private static Map<String, String> annotations(Gateway gw) {
        Map<String, String> a = gw.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    private static Map<String, String> infrastructure(Gateway gw, String key) {
        Map<String, String> out = new TreeMap<>();
        if (gw.getSpec() != null
                && gw.getSpec().unknownFields().get("infrastructure") instanceof Map<?, ?> infra
                && infra.get(key) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }
}
