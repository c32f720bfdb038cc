package io.ambient4j.cni.agent;

import static io.ambient4j.cni.netns.NetnsLab.acceptWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.cni.rules.ProbeHealing;
import io.ambient4j.cni.rules.RuleConstants;
import io.ambient4j.common.net.SocketFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host probe state heals while the agent runs: the probe ipset flushed or destroyed, the
 * {@code ISTIO_POSTRT} chain flushed or deleted behind the agent's back, and after the next reconcile a
 * connection from the node to the enrolled pod again arrives from 169.254.7.127 (root only).
 */
@Timeout(120)
@EnableKubernetesMockClient(crud = true)
class HostProbeHealingTest {
    private static final String SET = "istio-inpod-probes-v4";
    private static final Duration WAIT = Duration.ofSeconds(5);

    KubernetesClient client;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private Pod pod;
    private NodeAgent agent;
    private StandInZtunnel ztunnel;

    @AfterEach
    void tearDown() throws Exception {
        if (ztunnel != null) {
            ztunnel.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** Starts the agent with one pod enrolled; returns the pod netns. */
    private String startWithEnrolledPod(String reconcileSeconds) throws Exception {
        lab = new NetnsLab();
        String podNs = lab.pod("a", 10);
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("app")
                        .withLabels(Map.of("istio.io/dataplane-mode", "ambient"))
                        .endMetadata()
                        .build())
                .create();
        pod = AgentTestEnv.runningPod(client, "app", "web", NetnsLab.ip(10));
        Path proc = AgentTestEnv.procWithPod(dir, "kubepods", pod, podNs);
        Map<String, String> env = AgentTestEnv.of(dir);
        // "0": only the reconciles the test triggers (and the one after each add) run.
        env.put(AgentConfig.HOST_RECONCILE_SECONDS, reconcileSeconds);
        AgentConfig config = AgentConfig.fromEnv(env).withHost(Path.of("/var/run/netns", lab.node), proc);
        agent = NodeAgent.start(config, client, new KubePodAnnotator(client, false));
        ztunnel = new StandInZtunnel(config.zdsSocket());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, String> a = client.pods()
                    .inNamespace("app")
                    .withName("web")
                    .get()
                    .getMetadata()
                    .getAnnotations();
            return a != null && "enabled".equals(a.get("ambient.istio.io/redirection"));
        });
        return podNs;
    }

    @Test
    void C023_probeSetAndChainHealWhileTheAgentRuns() throws Exception {
        String podNs = startWithEnrolledPod("0");
        // The worker queues a reconcile right after the add; two in a row drain it (the queue is FIFO).
        agent.reconcileHost();
        assertThat(agent.reconcileHost())
                .as("nothing to heal after a clean add")
                .isEmpty();

        ServerSocketChannel app = lab.listen(podNs, "0.0.0.0", 8080);
        ServerSocketChannel inbound =
                lab.track(SocketFactory.inNetns(lab.executor, lab.ns(podNs), RuleConstants.INPOD_MARK)
                        .listen(new InetSocketAddress("0.0.0.0", RuleConstants.INBOUND_PLAINTEXT_PORT), 64));
        assertProbeArrivesFromSnatAddress(app);

        // 1. The set flushed, and a stale entry of a pod that is gone.
        lab.in(lab.node, "ipset", "flush", SET);
        lab.in(lab.node, "ipset", "add", SET, NetnsLab.ip(99), "comment", "gone-uid");
        assertProbeIsCaptured(inbound);
        assertThat(agent.reconcileHost())
                .containsExactly(
                        new ProbeHealing.Action.AddMember(
                                InetAddress.ofLiteral(NetnsLab.ip(10)),
                                pod.getMetadata().getUid()),
                        new ProbeHealing.Action.RemoveMember(InetAddress.ofLiteral(NetnsLab.ip(99))));
        assertThat(lab.in(lab.node, "ipset", "list", SET))
                .contains(NetnsLab.ip(10))
                .doesNotContain(NetnsLab.ip(99));
        assertProbeArrivesFromSnatAddress(app);

        // 2. The chain flushed: the SNAT rule gone, jump and set still there.
        lab.in(lab.node, "iptables", "-t", "nat", "-F", "ISTIO_POSTRT");
        assertProbeIsCaptured(inbound);
        assertThat(agent.reconcileHost()).containsExactly(new ProbeHealing.Action.EnsureSetAndRules());
        assertProbeArrivesFromSnatAddress(app);

        // 3. Everything deleted: the jump, the chain and the set itself.
        lab.in(lab.node, "iptables", "-t", "nat", "-D", "POSTROUTING", "-j", "ISTIO_POSTRT");
        lab.in(lab.node, "iptables", "-t", "nat", "-F", "ISTIO_POSTRT");
        lab.in(lab.node, "iptables", "-t", "nat", "-X", "ISTIO_POSTRT");
        lab.in(lab.node, "ipset", "destroy", SET);
        assertProbeIsCaptured(inbound);
        assertThat(agent.reconcileHost())
                .containsExactly(
                        new ProbeHealing.Action.EnsureSetAndRules(),
                        new ProbeHealing.Action.AddMember(
                                InetAddress.ofLiteral(NetnsLab.ip(10)),
                                pod.getMetadata().getUid()));
        assertThat(lab.in(lab.node, "iptables-save", "-t", "nat")).contains("-A POSTROUTING -j ISTIO_POSTRT");
        assertProbeArrivesFromSnatAddress(app);
        assertThat(agent.reconcileHost()).as("healed state is stable").isEmpty();
    }

    @Test
    void C023_periodicReconcileHealsWithoutAnyPodEvent() throws Exception {
        startWithEnrolledPod("1");
        lab.in(lab.node, "ipset", "flush", SET);
        lab.in(lab.node, "iptables", "-t", "nat", "-D", "POSTROUTING", "-j", "ISTIO_POSTRT");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(lab.in(lab.node, "ipset", "list", SET)).contains(NetnsLab.ip(10));
            assertThat(lab.in(lab.node, "iptables-save", "-t", "nat")).contains("-A POSTROUTING -j ISTIO_POSTRT");
        });
    }

    private void assertProbeArrivesFromSnatAddress(ServerSocketChannel app) throws Exception {
        lab.connect(lab.node, NetnsLab.ip(10), 8080);
        SocketChannel probed = lab.track(acceptWithin(app, WAIT));
        assertThat(probed).as("node connection reaches the app unredirected").isNotNull();
        assertThat(((InetSocketAddress) probed.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.ofLiteral("169.254.7.127"));
    }

    private void assertProbeIsCaptured(ServerSocketChannel inbound) throws Exception {
        lab.connect(lab.node, NetnsLab.ip(10), 8080);
        SocketChannel captured = lab.track(acceptWithin(inbound, WAIT));
        assertThat(captured)
                .as("without the host SNAT the node's connection is captured")
                .isNotNull();
        assertThat(((InetSocketAddress) captured.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.ofLiteral(NetnsLab.NODE_IP));
    }
}
