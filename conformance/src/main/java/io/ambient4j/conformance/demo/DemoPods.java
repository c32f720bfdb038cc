package io.ambient4j.conformance.demo;

import io.ambient4j.conformance.kubelet.DeploymentController;
import io.ambient4j.conformance.mesh.Topology;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The sample app's pods as the API server and the node see them. */
final class DemoPods {
    /** The label istiod's waypoint controller puts on the pods of a Gateway's Deployment. */
    static final String GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name";

    private final KubernetesClient client;
    private final Topology topology;

    DemoPods(KubernetesClient client, Topology topology) {
        this.client = client;
        this.topology = topology;
    }

    /** A pod as the demo follows it: identity in the API, where the kubelet put it, its network namespace. */
    record PodView(
            String name, String uid, String node, String ip, String serviceAccount, String netns, long netnsInode) {}

    Optional<PodView> readyPod(String workload) {
        return readyPod("app", workload);
    }

    /** The Ready pod of the waypoint Deployment istiod rendered for Gateway {@code gateway}. */
    Optional<PodView> readyWaypoint(String gateway) {
        return readyPod(GATEWAY_NAME, gateway);
    }

    private Optional<PodView> readyPod(String label, String value) {
        return client.pods().inNamespace(SampleApp.NAMESPACE).withLabel(label, value).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(DeploymentController::isReady)
                .findFirst()
                .map(this::view);
    }

    private PodView view(Pod p) {
        String netns = topology.podNetns(SampleApp.NAMESPACE, p.getMetadata().getName());
        return new PodView(
                p.getMetadata().getName(),
                p.getMetadata().getUid(),
                p.getSpec().getNodeName(),
                p.getStatus().getPodIP(),
                p.getSpec().getServiceAccountName(),
                netns,
                inode(Path.of("/run/netns", netns)));
    }

    private static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    String annotation(String pod, String key) {
        Pod p = client.pods().inNamespace(SampleApp.NAMESPACE).withName(pod).get();
        return p == null || p.getMetadata().getAnnotations() == null
                ? null
                : p.getMetadata().getAnnotations().get(key);
    }
}
