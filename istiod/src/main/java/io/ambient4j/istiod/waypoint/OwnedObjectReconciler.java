package io.ambient4j.istiod.waypoint;

import io.ambient4j.istiod.kube.crd.Gateway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps one kind of object a waypoint owns (its ServiceAccount, Deployment or Service) as rendered: creates
 * it when missing, overlays the rendered fields on the live object when one differs from what the API server
 * holds (a client-side merge; fabric8's CRUD mock serves no server-side apply), and deletes the
 * copies whose Gateway is gone or is no longer a waypoint.
 */
final class OwnedObjectReconciler<T extends HasMetadata> {
    private final KubernetesClient client;
    private final KubernetesSerialization json;
    private final Class<T> type;
    private final Function<Gateway, T> render;

    OwnedObjectReconciler(
            KubernetesClient client, KubernetesSerialization json, Class<T> type, Function<Gateway, T> render) {
        this.client = client;
        this.json = json;
        this.type = type;
        this.render = render;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> tree(Object o) {
        return json.convertValue(o, Map.class);
    }

    String kind() {
        return type.getSimpleName();
    }

    /** Applies the rendered object if it differs; returns true when it wrote. */
    boolean apply(Gateway gw) {
        T desired = render.apply(gw);
        T actual = client.resources(type)
                .inNamespace(desired.getMetadata().getNamespace())
                .withName(desired.getMetadata().getName())
                .get();
        if (actual == null) {
            client.resource(desired).create();
            return true;
        }
        Map<String, Object> actualTree = tree(actual);
        Map<String, Object> desiredTree = tree(desired);
        if (Subset.contains(actualTree, desiredTree)) {
            return false;
        }
        // Rendered fields replace the live ones; what the server filled in (resourceVersion for optimistic
        // concurrency, a Service's ClusterIP) is kept. A concurrent writer makes this fail with 409 and retry.
        T merged = json.convertValue(Subset.overlay(actualTree, desiredTree), type);
        client.resource(merged).update();
        return true;
    }

    /**
     * Deletes waypoint objects owned by Gateway {@code namespace/name} except those owned by {@code liveUid}
     * (null when no waypoint of that name exists). The CRUD mock has no garbage collector, and a Gateway
     * whose class changes keeps its uid, so this runs on every reconcile rather than relying on GC alone.
     */
    int deleteStale(String namespace, String name, String liveUid) {
        int deleted = 0;
        for (T o : client.resources(type)
                .inNamespace(namespace)
                .withLabel(WaypointNames.GATEWAY_NAME, name)
                .withLabel(WaypointNames.GATEWAY_CLASS_NAME, WaypointNames.WAYPOINT_CLASS)
                .list()
                .getItems()) {
            boolean ownedByGateway = false;
            boolean ownedByLive = false;
            for (OwnerReference r : o.getMetadata().getOwnerReferences()) {
                if ("Gateway".equals(r.getKind()) && name.equals(r.getName())) {
                    ownedByGateway = true;
                    ownedByLive |= r.getUid() != null && r.getUid().equals(liveUid);
                }
            }
            if (ownedByGateway && !ownedByLive) {
                client.resource(o).delete();
                deleted++;
            }
        }
        return deleted;
    }
}
