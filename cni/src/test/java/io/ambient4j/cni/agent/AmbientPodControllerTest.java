package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.cni.netns.Backend;
import io.ambient4j.cni.netns.HostProbe;
import io.ambient4j.cni.netns.InpodRules;
import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.zds.PodCache;
import io.ambient4j.cni.zds.ZdsConfig;
import io.ambient4j.cni.zds.ZdsServer;
import io.ambient4j.common.net.Netns;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live enrolment driven by informers on the CRUD mock API server, with real rules in a pod netns and a
 * stand-in ztunnel over real ZDS (root only).
 */
@Timeout(90)
@EnableKubernetesMockClient(crud = true)
class AmbientPodControllerTest {
    KubernetesClient client;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private String podNs;
    private ZdsServer zds;
    private StandInZtunnel ztunnel;
    private AmbientPodController controller;

    @BeforeEach
    void setUp() throws Exception {
        lab = new NetnsLab();
        podNs = lab.pod("a", 10);
        Path sock = dir.resolve("zds.sock");
        zds = ZdsServer.start(new ZdsConfig(sock, Duration.ofSeconds(2), Duration.ofMillis(100), 50), new PodCache());
        ztunnel = new StandInZtunnel(sock);
        await().atMost(Duration.ofSeconds(5)).until(() -> zds.connectionCount() == 1);
        HostProbe probe = new HostProbe(lab.runner, lab.ns(lab.node));
        probe.ensure(IpFamily.V4);
        MeshDataplane dataplane = new MeshDataplane(
                new InpodRules(lab.runner, Backend.IPTABLES),
                zds,
                probe,
                new KubePodAnnotator(client, false),
                true,
                false);
        // Every pod of this test lives in the lab's pod netns.
        AmbientPodController.NetnsResolver resolver = pod -> Optional.of(Netns.named(podNs));
        controller = new AmbientPodController(
                client, "node1", EnrolmentPolicy.defaults(), dataplane, resolver, Duration.ofMillis(200), true);

        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("app")
                        .endMetadata()
                        .build())
                .create();
        client.pods().inNamespace("app").resource(pod("web", "node1")).create();
        client.pods().inNamespace("app").resource(pod("elsewhere", "node2")).create();
    }

    private static Pod pod(String name, String node) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("app")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withServiceAccountName("web-sa")
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(NetnsLab.ip(10))
                .endStatus()
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (ztunnel != null) {
            ztunnel.close();
        }
        if (zds != null) {
            zds.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private String annotation(String pod) {
        Map<String, String> a = client.pods()
                .inNamespace("app")
                .withName(pod)
                .get()
                .getMetadata()
                .getAnnotations();
        return a == null ? null : a.get("ambient.istio.io/redirection");
    }

    private void labelNamespace(String value) {
        client.namespaces().withName("app").edit(ns -> {
            ns.getMetadata().setLabels(value == null ? Map.of() : Map.of("istio.io/dataplane-mode", value));
            return ns;
        });
    }

    @Test
    void C013_C014_namespaceLabelEnrolsAndUnenrolsRunningPod() throws Exception {
        controller.start();
        labelNamespace("ambient");
        await().atMost(Duration.ofSeconds(20)).until(() -> "enabled".equals(annotation("web")));
        assertThat(lab.in(podNs, "iptables-save")).contains("-j REDIRECT --to-ports 15001");
        assertThat(ztunnel.received)
                .anyMatch(r ->
                        r.hasAdd() && r.getAdd().getWorkloadInfo().getName().equals("web"));
        assertThat(annotation("elsewhere"))
                .as("pods of other nodes are not ours")
                .isNull();

        labelNamespace(null);
        await().atMost(Duration.ofSeconds(20)).until(() -> annotation("web") == null);
        assertThat(lab.in(podNs, "iptables-save")).doesNotContain("ISTIO");
        assertThat(ztunnel.received.getLast().hasDel()).isTrue();
    }

    @Test
    void C009_podOptOutLabelUnenrols() throws Exception {
        controller.start();
        labelNamespace("ambient");
        await().atMost(Duration.ofSeconds(20)).until(() -> "enabled".equals(annotation("web")));
        client.pods().inNamespace("app").withName("web").edit(p -> {
            p.getMetadata().setLabels(Map.of("istio.io/dataplane-mode", "none"));
            return p;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> annotation("web") == null);
        assertThat(lab.in(podNs, "iptables-save")).doesNotContain("ISTIO");
    }
}
