package io.ambient4j.cni.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;

/**
 * Patches pods through the {@code status} subresource by default, like upstream: a real API server lets
 * both pods and pods/status change metadata, and pods/status is the lower privilege to grant the agent.
 * The main resource can be chosen instead where pods/status does not take metadata (fabric8's CRUD mock
 * server applies only {@code .status} from a status patch).
 */
public final class KubePodAnnotator implements PodAnnotator {
    private final KubernetesClient client;
    private final boolean viaStatus;

    /** Patches through pods/status. */
    public KubePodAnnotator(KubernetesClient client) {
        this(client, true);
    }

    public KubePodAnnotator(KubernetesClient client, boolean viaStatusSubresource) {
        this.client = client;
        this.viaStatus = viaStatusSubresource;
    }

    @Override
    public void mergePatch(String namespace, String name, String patch) throws IOException {
        try {
            var pod = client.pods().inNamespace(namespace).withName(name);
            PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
            Pod patched = viaStatus ? pod.subresource("status").patch(merge, patch) : pod.patch(merge, patch);
            if (patched == null) {
                throw new IOException("patching pod " + namespace + "/" + name + " returned nothing");
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return;
            }
            throw new IOException("patching pod " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
    }
}
