package io.ambient4j.istiod.testing;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;

/** Pods as a kubelet reports them once started, for tests that feed the index or the mock API server. */
public final class Pods {
    private Pods() {}

    /** A Running, Ready pod (service account {@code sa1} on {@code node1}) with one IP, or none when null. */
    public static PodBuilder runningReady(String ns, String name, String ip, Map<String, String> labels) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName("sa1")
                .withNodeName("node1")
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus();
        if (ip != null) {
            b.editStatus().withPodIP(ip).addNewPodIP().withIp(ip).endPodIP().endStatus();
        }
        return b;
    }
}
