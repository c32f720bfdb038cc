package io.ambient4j.conformance.mesh;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.List;
import java.util.Map;

/**
 * The objects a Helm install leaves in {@code istio-system} that components look up about themselves: the
 * {@code istio-cni-node} and {@code ztunnel} DaemonSets. The CNI agent asks for its DaemonSet on SIGTERM to tell a
 * restart or upgrade (keep the plugin, so new ambient pods wait) from an uninstall (remove it); without the object
 * every restart of an agent in the local mesh was an uninstall, and pods created meanwhile started unmeshed.
 * The harness runs the components as processes, so nothing schedules these DaemonSets' pods.
 */
public final class InstallObjects {
    public static final String NAMESPACE = "istio-system";

    private InstallObjects() {}

    /** The two node DaemonSets as the cni and ztunnel charts name and label them (pure). */
    static List<DaemonSet> daemonSets(int nodes) {
        return List.of(
                daemonSet("istio-cni-node", "k8s-app", "install-cni", nodes),
                daemonSet("ztunnel", "app", "istio-proxy", nodes));
    }

    private static DaemonSet daemonSet(String name, String labelKey, String container, int nodes) {
        Map<String, String> labels = Map.of(labelKey, name);
        return new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(container)
                .withImage("ambient4j/" + container)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .withNewStatus()
                .withDesiredNumberScheduled(nodes)
                .withCurrentNumberScheduled(nodes)
                .withNumberReady(nodes)
                .endStatus()
                .build();
    }

    /** Creates (or updates) the DaemonSets; {@code istio-system} exists already. */
    static void apply(KubernetesClient client, int nodes) {
        for (DaemonSet ds : daemonSets(nodes)) {
            client.apps().daemonSets().resource(ds).createOr(NonDeletingOperation::update);
        }
    }
}
