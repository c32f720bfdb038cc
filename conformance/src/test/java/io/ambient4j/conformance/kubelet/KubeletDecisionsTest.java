package io.ambient4j.conformance.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeletDecisionsTest {
    private static final List<String> NODES = List.of("node-1", "node-2");

    @Test
    void schedulerHonoursNodeNameThenHostnameSelectorThenSpreads() {
        assertThat(Scheduler.choose("node-2", Map.of(), NODES, Map.of())).contains("node-2");
        assertThat(Scheduler.choose("node-9", Map.of(), NODES, Map.of())).isEmpty();
        assertThat(Scheduler.choose(null, Map.of(Scheduler.HOSTNAME_LABEL, "node-2"), NODES, Map.of("node-2", 9)))
                .contains("node-2");
        assertThat(Scheduler.choose(null, Map.of(Scheduler.HOSTNAME_LABEL, "x"), NODES, Map.of()))
                .isEmpty();
        assertThat(Scheduler.choose(null, null, NODES, Map.of())).contains("node-1");
        assertThat(Scheduler.choose("", null, NODES, Map.of("node-1", 1))).contains("node-2");
        assertThat(Scheduler.choose(null, Map.of(), NODES, Map.of("node-1", 2, "node-2", 2)))
                .contains("node-1");
    }

    @Test
    void ipPoolHandsOutLowestFreeAndReusesReleased() {
        IpPool pool = new IpPool("10.244.3.0/24");
        assertThat(pool.allocate()).isEqualTo("10.244.3.10");
        assertThat(pool.allocate()).isEqualTo("10.244.3.11");
        pool.release("10.244.3.10");
        pool.release("10.244.9.10");
        assertThat(pool.allocate()).isEqualTo("10.244.3.10");
        for (int i = 12; i <= 250; i++) {
            pool.allocate();
        }
        assertThatThrownBy(pool::allocate).hasMessageContaining("exhausted");
        assertThatThrownBy(() -> new IpPool("10.244.0.0/16")).hasMessageContaining("/24");
    }

    @Test
    void C034_runningStatusIsReadyWithIpAndHostIp() {
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("ns")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("echo")
                .endContainer()
                .endSpec()
                .build();
        PodStatus s = Kubelet.runningStatus(pod, "10.244.1.10", "10.240.0.11", Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(s.getPodIP()).isEqualTo("10.244.1.10");
        assertThat(s.getPodIPs()).extracting(p -> p.getIp()).containsExactly("10.244.1.10");
        assertThat(s.getHostIP()).isEqualTo("10.240.0.11");
        assertThat(s.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        assertThat(s.getContainerStatuses())
                .singleElement()
                .satisfies(c -> assertThat(c.getReady()).isTrue());
        pod.setStatus(s);
        assertThat(DeploymentController.isReady(pod)).isTrue();
    }

    @Test
    void C035_templateHashIsStableAndInTheReplicaSetAlphabet() {
        var template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder()
                .withNewMetadata()
                .addToLabels("app", "a")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .endContainer()
                .endSpec()
                .build();
        String h = DeploymentController.templateHash(template);
        assertThat(h).hasSize(10).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(DeploymentController.templateHash(template)).isEqualTo(h);
        template.getMetadata().getLabels().put("version", "v2");
        assertThat(DeploymentController.templateHash(template)).isNotEqualTo(h);
        assertThat(DeploymentController.randomSuffix()).hasSize(5);
    }
}
