package io.ambient4j.istiod.ca;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node authorizer's view of pods: an informer over all pods with an index keyed
 * {@code <namespace>/<serviceAccount>@<node>}, so "is this identity on that node?" is one lookup and never an
 * API call on the CA's request path. Failed pods are left out, as upstream filters them.
 */
public final class PodIndex implements NodeAuthorizer.PodFacts, AutoCloseable {
    private static final String SA_NODE = "saNode";

    private final SharedIndexInformer<Pod> informer;

    private PodIndex(SharedIndexInformer<Pod> informer) {
        this.informer = informer;
    }

    /** Starts the informer (it syncs in the background; see {@link #hasSynced()}). */
    public static PodIndex start(KubernetesClient client) {
        SharedIndexInformer<Pod> inf = client.pods().inAnyNamespace().runnableInformer(0);
        inf.addIndexers(Map.of(SA_NODE, PodIndex::saNodeKeys));
        inf.start();
        return new PodIndex(inf);
    }

    static List<String> saNodeKeys(Pod pod) {
        if (failed(pod) || pod.getSpec() == null) {
            return List.of();
        }
        String node = pod.getSpec().getNodeName();
        String sa = serviceAccount(pod);
        if (node == null || node.isEmpty() || sa.isEmpty()) {
            return List.of();
        }
        return List.of(key(pod.getMetadata().getNamespace(), sa, node));
    }

    private static String key(String ns, String sa, String node) {
        return ns + "/" + sa + "@" + node;
    }

    private static boolean failed(Pod pod) {
        return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase());
    }

    private static String serviceAccount(Pod pod) {
        String sa = pod.getSpec().getServiceAccountName();
        return sa == null || sa.isEmpty() ? "default" : sa;
    }

    public boolean hasSynced() {
        return informer.hasSynced();
    }

    @Override
    public Optional<NodeAuthorizer.PodInfo> pod(String namespace, String name) {
        Pod p = informer.getIndexer().getByKey(namespace + "/" + name);
        if (p == null || failed(p) || p.getSpec() == null) {
            return Optional.empty();
        }
        String node = p.getSpec().getNodeName();
        return Optional.of(new NodeAuthorizer.PodInfo(
                p.getMetadata().getUid() == null ? "" : p.getMetadata().getUid(),
                serviceAccount(p),
                node == null ? "" : node));
    }

    @Override
    public boolean hasPodOnNode(String namespace, String serviceAccount, String node) {
        return informer.getIndexer().byIndex(SA_NODE, key(namespace, serviceAccount, node)).stream()
                .anyMatch(p -> !failed(p));
    }

    @Override
    public void close() {
        informer.close();
    }
}
