package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.mesh.MeshCrds;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reaches any object a scenario names: built-in kinds through their typed clients, the mesh's custom
 * resources through a resource context built from {@link MeshCrds} (no discovery round-trip needed).
 */
final class ObjectAccess {
    private static final Map<String, Class<? extends HasMetadata>> TYPED = Map.of(
            "Pod", Pod.class,
            "Service", Service.class,
            "Namespace", Namespace.class,
            "ServiceAccount", ServiceAccount.class,
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class,
            "Deployment", Deployment.class,
            "ReplicaSet", ReplicaSet.class,
            "EndpointSlice", EndpointSlice.class,
            "Node", Node.class);

    private ObjectAccess() {}

    static Resource<? extends HasMetadata> resource(KubernetesClient client, Scenario.ObjectRef ref) {
        Class<? extends HasMetadata> type = TYPED.get(ref.kind());
        if (type != null) {
            var op = client.resources(type);
            return ref.namespace() == null || !Kinds.namespaced(ref.kind())
                    ? op.withName(ref.name())
                    : op.inNamespace(ref.namespace()).withName(ref.name());
        }
        ResourceDefinitionContext ctx = context(ref.apiVersion(), ref.kind());
        var op = client.genericKubernetesResources(ctx);
        return ctx.isNamespaceScoped() ? op.inNamespace(ref.namespace()).withName(ref.name()) : op.withName(ref.name());
    }

    static ResourceDefinitionContext context(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        for (MeshCrds.Crd crd : MeshCrds.all()) {
            if (crd.group().equals(group) && crd.kind().equals(kind)) {
                return new ResourceDefinitionContext.Builder()
                        .withGroup(group)
                        .withVersion(version)
                        .withKind(kind)
                        .withPlural(crd.plural())
                        .withNamespaced(crd.namespaced())
                        .build();
            }
        }
        throw new IllegalArgumentException("unknown kind " + apiVersion + " " + kind);
    }

    static HasMetadata get(KubernetesClient client, Scenario.ObjectRef ref) {
        return resource(client, ref).get();
    }

    static void delete(KubernetesClient client, Scenario.ObjectRef ref) {
        resource(client, ref).delete();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void editMeta(KubernetesClient client, Scenario.ObjectRef ref, Consumer<ObjectMeta> change) {
        Resource r = resource(client, ref);
        r.edit(o -> {
            change.accept(((HasMetadata) o).getMetadata());
            return o;
        });
    }

    static void mergePatch(KubernetesClient client, Scenario.ObjectRef ref, String json) {
        resource(client, ref).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    static Scenario.ObjectRef refOf(HasMetadata h) {
        return new Scenario.ObjectRef(
                h.getApiVersion(),
                h.getKind(),
                h.getMetadata().getNamespace(),
                h.getMetadata().getName());
    }
}
