package io.ambient4j.conformance.mesh;

import io.ambient4j.conformance.mesh.Topology.NodePlan;
import io.ambient4j.istiod.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * What a ztunnel DaemonSet pod gets from a real cluster before it starts: its Pod object on the node
 * (istiod's node authorizer checks the caller's pod, UID, service account and node), a projected
 * service-account token for audience {@code istio-ca} bound to that pod, and the mesh root certificate from
 * the {@code istio-ca-root-cert} ConfigMap that istiod publishes. Files go to {@code <runDir>/<node>/ztunnel/}.
 */
public final class ZtunnelIdentity {
    public static final String NAMESPACE = "istio-system";
    public static final String SERVICE_ACCOUNT = "ztunnel";
    public static final String TOKEN_FILE = "istio-token";
    public static final String ROOT_CERT_FILE = "root-cert.pem";
    /** The projected token's audience: what istiod's TokenReview asks for. */
    public static final String AUDIENCE = "istio-ca";

    private ZtunnelIdentity() {}

    /** The ztunnel pod's name on a node (pure). */
    public static String podName(String node) {
        return "ztunnel-" + node;
    }

    /** Writes token and root cert for every node; waits up to {@code timeout} for istiod's root cert. */
    public static void prepare(
            KubernetesClient client, ServiceAccountTokens tokens, Topology topology, Path runDir, Duration timeout)
            throws IOException {
        client.serviceAccounts()
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName(SERVICE_ACCOUNT)
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .build())
                .createOr(NonDeletingOperation::update);
        String rootCert = awaitRootCert(client, timeout);
        for (NodePlan n : topology.nodes()) {
            Pod pod = client.pods().resource(podObject(n)).createOr(NonDeletingOperation::update);
            Path dir = Files.createDirectories(runDir.resolve(n.name()).resolve("ztunnel"));
            String token = tokens.issue(
                    NAMESPACE,
                    SERVICE_ACCOUNT,
                    pod.getMetadata().getName(),
                    pod.getMetadata().getUid(),
                    List.of(AUDIENCE),
                    Duration.ofHours(24));
            Files.writeString(dir.resolve(TOKEN_FILE), token);
            Files.writeString(dir.resolve(ROOT_CERT_FILE), rootCert);
        }
    }

    /**
     * The node's ztunnel pod: host-network, so the harness kubelet leaves it alone (the process runs in the
     * node namespace), Running with the node's IP, as a DaemonSet pod would be reported (pure).
     */
    static Pod podObject(NodePlan n) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(podName(n.name()))
                .withNamespace(NAMESPACE)
                .withLabels(Map.of("app", "ztunnel"))
                .endMetadata()
                .withNewSpec()
                .withNodeName(n.name())
                .withServiceAccountName(SERVICE_ACCOUNT)
                .withHostNetwork(true)
                .addNewContainer()
                .withName("istio-proxy")
                .withImage("ambient4j/ztunnel")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(n.nodeIp())
                .withHostIP(n.nodeIp())
                .endStatus()
                .build();
    }

    private static String awaitRootCert(KubernetesClient client, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            ConfigMap cm = client.configMaps()
                    .inNamespace(NAMESPACE)
                    .withName("istio-ca-root-cert")
                    .get();
            if (cm != null && cm.getData() != null && cm.getData().get(ROOT_CERT_FILE) != null) {
                return cm.getData().get(ROOT_CERT_FILE);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new MeshException(
                        MeshException.Reason.LAUNCH,
                        "istiod did not publish ConfigMap istio-system/istio-ca-root-cert within " + timeout);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }
}
