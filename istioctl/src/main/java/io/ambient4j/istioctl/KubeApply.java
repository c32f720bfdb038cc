package io.ambient4j.istioctl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * How istioctl writes an object: create it, or when it exists (409) server-side-apply it as field
 * manager {@code istioctl} with forced conflicts, so fields other managers own and istioctl does not
 * set (the webhooks' caBundle istiod patches in, replicas under an HPA) survive. A server without
 * apply patches (415; fabric8's mock API server) gets a JSON merge patch instead.
 */
public final class KubeApply {
    public static final String FIELD_MANAGER = "istioctl";

    private KubeApply() {}

    public static <T extends HasMetadata> void apply(Resource<T> resource, T object) {
        try {
            resource.create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            try {
                resource.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e2) {
                if (e2.getCode() != 415) {
                    throw e2;
                }
                PatchContext merge = new PatchContext.Builder()
                        .withPatchType(PatchType.JSON_MERGE)
                        .withFieldManager(FIELD_MANAGER)
                        .build();
                resource.patch(merge, object);
            }
        }
    }
}
