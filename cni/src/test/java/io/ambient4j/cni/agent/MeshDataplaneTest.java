package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.cni.netns.Backend;
import io.ambient4j.cni.netns.HostProbe;
import io.ambient4j.cni.netns.InpodRules;
import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.cni.rules.InpodIptables;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.PodRuleOptions;
import io.ambient4j.cni.zds.PodCache;
import io.ambient4j.cni.zds.ZdsConfig;
import io.ambient4j.cni.zds.ZdsServer;
import io.ambient4j.common.net.Netns;
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
 * AddPodToMesh / RemovePodFromMesh end to end: real iptables in a pod netns, a real ZDS exchange with a
 * stand-in ztunnel that receives the netns fd, the real host ipset, and the annotation on a pod in the
 * fabric8 CRUD mock API server (root only).
 */
@Timeout(60)
@EnableKubernetesMockClient(crud = true)
class MeshDataplaneTest {
    KubernetesClient client;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private String podNs;
    private ZdsServer zds;
    private StandInZtunnel ztunnel;
    private MeshDataplane dataplane;
    private HostProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        lab = new NetnsLab();
        podNs = lab.pod("a", 10);
        zds = ZdsServer.start(
                new ZdsConfig(dir.resolve("zds.sock"), Duration.ofSeconds(2), Duration.ofMillis(100), 50),
                new PodCache());
        probe = new HostProbe(lab.runner, lab.ns(lab.node));
        probe.ensure(IpFamily.V4);
        dataplane = new MeshDataplane(
                new InpodRules(lab.runner, Backend.IPTABLES),
                zds,
                probe,
                new KubePodAnnotator(client, false),
                true,
                false);
        client.pods()
                .inNamespace("app")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("app")
                        .withLabels(Map.of("istio.io/dataplane-mode", "ambient"))
                        .endMetadata()
                        .withNewSpec()
                        .withServiceAccountName("web-sa")
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Running")
                        .withPodIP(NetnsLab.ip(10))
                        .endStatus()
                        .build())
                .create();
    }

    @AfterEach
    void tearDown() throws Exception {
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

    private Pod pod() {
        return client.pods().inNamespace("app").withName("web").get();
    }

    private String annotation() {
        Map<String, String> a = pod().getMetadata().getAnnotations();
        return a == null ? null : a.get("ambient.istio.io/redirection");
    }

    private String ipset() throws Exception {
        return lab.in(lab.node, "ipset", "list", IpFamily.V4.probeSet());
    }

    @Test
    void C013_C017_C026_addThenRemoveEndToEnd() throws Exception {
        ztunnel = new StandInZtunnel(dir.resolve("zds.sock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> zds.connectionCount() == 1);
        PodView view = PodViews.from(pod());
        assertThat(EnrolmentPolicy.defaults().decide(view, Map.of()).ambient()).isTrue();
        assertThat(MeshAction.plan(EnrolmentPolicy.defaults().decide(view, Map.of()), view))
                .isEqualTo(MeshAction.ADD);

        MeshDataplane.AddResult result = dataplane.addPodToMesh(view, Netns.named(podNs), "web-sa");

        assertThat(result)
                .isEqualTo(new MeshDataplane.AddResult(AnnotationMachine.Event.ADD_SUCCEEDED, Optional.empty()));
        assertThat(annotation()).isEqualTo("enabled");
        assertThat(pod().getMetadata().getAnnotations()).hasSize(1);
        assertThat(new InpodRules(lab.runner, Backend.IPTABLES).state(lab.ns(podNs), IpFamily.V4))
                .isEqualTo(InpodIptables.rules(PodRuleOptions.defaults(), IpFamily.V4)
                        .expectedState());
        assertThat(ipset())
                .contains(NetnsLab.ip(10) + " comment \"" + pod().getMetadata().getUid() + "\"");
        WorkloadRequest add = ztunnel.received.getLast();
        assertThat(add.getAdd().getUid()).isEqualTo(pod().getMetadata().getUid());
        assertThat(add.getAdd().getWorkloadInfo().getServiceAccount()).isEqualTo("web-sa");
        assertThat(ztunnel.fdInodes).containsExactly(lab.ns(podNs).inode());

        PodView enrolled = PodViews.from(pod());
        assertThat(MeshAction.plan(EnrolmentPolicy.defaults().decide(enrolled, Map.of()), enrolled))
                .isEqualTo(MeshAction.NOTHING);
        PodView optedOut = new PodView(
                enrolled.uid(),
                enrolled.name(),
                enrolled.namespace(),
                Map.of("istio.io/dataplane-mode", "none"),
                enrolled.annotations(),
                false,
                enrolled.phase(),
                enrolled.ips());
        assertThat(MeshAction.plan(EnrolmentPolicy.defaults().decide(optedOut, Map.of()), optedOut))
                .isEqualTo(MeshAction.REMOVE);

        dataplane.removePodFromMesh(optedOut, Optional.of(Netns.named(podNs)), false);
        assertThat(annotation()).isNull();
        assertThat(lab.in(podNs, "iptables-save")).doesNotContain("ISTIO");
        assertThat(ipset()).doesNotContain(NetnsLab.ip(10));
        assertThat(ztunnel.received.getLast().getDel().getUid())
                .isEqualTo(pod().getMetadata().getUid());
    }

    @Test
    void C017_ztunnelErrorLeavesRulesAndMarksPending() throws Exception {
        ztunnel = new StandInZtunnel(dir.resolve("zds.sock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> zds.connectionCount() == 1);
        ztunnel.answer.set("no certificate yet");

        MeshDataplane.AddResult result = dataplane.addPodToMesh(PodViews.from(pod()), Netns.named(podNs), "web-sa");

        assertThat(result.event()).isEqualTo(AnnotationMachine.Event.ADD_PARTIAL);
        assertThat(result.error()).contains("ztunnel: no certificate yet");
        assertThat(annotation()).isEqualTo("pending");
        assertThat(lab.in(podNs, "iptables-save")).contains("ISTIO_OUTPUT");
        assertThat(ipset()).doesNotContain(NetnsLab.ip(10));

        // The retry succeeds once ztunnel is ready.
        ztunnel.answer.set("");
        PodView pending = PodViews.from(pod());
        assertThat(MeshAction.plan(EnrolmentPolicy.defaults().decide(pending, Map.of()), pending))
                .isEqualTo(MeshAction.ADD);
        assertThat(dataplane.addPodToMesh(pending, Netns.named(podNs), "web-sa").event())
                .isEqualTo(AnnotationMachine.Event.ADD_SUCCEEDED);
        assertThat(annotation()).isEqualTo("enabled");
    }

    @Test
    void C018_noZtunnelConnectedIsPartialNotEnabled() throws Exception {
        MeshDataplane.AddResult result = dataplane.addPodToMesh(PodViews.from(pod()), Netns.named(podNs), "web-sa");
        assertThat(result.event()).isEqualTo(AnnotationMachine.Event.ADD_PARTIAL);
        assertThat(result.error().orElseThrow()).contains("no ztunnel connected");
        assertThat(annotation()).isEqualTo("pending");

        // A ztunnel connecting later gets the pod in its snapshot, with the pod's netns.
        ztunnel = new StandInZtunnel(dir.resolve("zds.sock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ztunnel.received.size() == 2);
        assertThat(ztunnel.received.getFirst().getAdd().getUid())
                .isEqualTo(pod().getMetadata().getUid());
        assertThat(ztunnel.received.get(1).hasSnapshotSent()).isTrue();
        assertThat(ztunnel.fdInodes).containsExactly(lab.ns(podNs).inode());
    }
}
