package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.cni.netns.NetnsLab;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent as {@link Main} wires it: config from environment variables, host probe rules in the
 * "host" namespace (the lab's node netns), the pod's netns found through a /proc-shaped directory, ZDS to a
 * stand-in ztunnel, and the health endpoints (root only).
 */
@Timeout(90)
@EnableKubernetesMockClient(crud = true)
class NodeAgentTest {
    KubernetesClient client;

    @TempDir
    Path dir;

    private NetnsLab lab;
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

    @Test
    void C013_C023_C026_agentEnrolsPodFoundThroughProc() throws Exception {
        lab = new NetnsLab();
        String podNs = lab.pod("a", 10);
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("app")
                        .endMetadata()
                        .build())
                .create();
        Pod pod = AgentTestEnv.runningPod(client, "app", "web", NetnsLab.ip(10));
        // A /proc-shaped tree: one "process" of the pod, in the pod's netns.
        Path proc = AgentTestEnv.procWithPod(dir, "kubepods/besteffort", pod, podNs);

        Map<String, String> env = AgentTestEnv.of(dir);
        AgentConfig base = AgentConfig.fromEnv(env);
        AgentConfig config = base.withHost(Path.of("/var/run/netns", lab.node), proc);

        agent = NodeAgent.start(config, client, new KubePodAnnotator(client, false));
        assertThat(lab.in(lab.node, "iptables-save", "-t", "nat")).contains("-A POSTROUTING -j ISTIO_POSTRT");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.healthPort() + "/readyz"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        ztunnel = new StandInZtunnel(config.zdsSocket());
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.ztunnels() == 1);
        client.namespaces().withName("app").edit(ns -> {
            ns.getMetadata().setLabels(Map.of("istio.io/dataplane-mode", "ambient"));
            return ns;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, String> a = client.pods()
                    .inNamespace("app")
                    .withName("web")
                    .get()
                    .getMetadata()
                    .getAnnotations();
            return a != null && "enabled".equals(a.get("ambient.istio.io/redirection"));
        });
        assertThat(lab.in(podNs, "iptables-save")).contains("-j REDIRECT --to-ports 15006");
        assertThat(lab.in(lab.node, "ipset", "list", "istio-inpod-probes-v4")).contains(NetnsLab.ip(10));
        assertThat(ztunnel.fdInodes).containsExactly(lab.ns(podNs).inode());
    }

    @Test
    void C027_agentRestartAdoptsEnrolledPodsIntoTheFirstSnapshot() throws Exception {
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
        // Both pods were enrolled by an earlier agent run; only "web" can be found under /proc now.
        Pod web = client.pods()
                .inNamespace("app")
                .resource(enrolledPod("web", 10))
                .create();
        Pod lost = client.pods()
                .inNamespace("app")
                .resource(enrolledPod("lost", 11))
                .create();
        Path proc = dir.resolve("proc");
        Path pid = Files.createDirectories(proc.resolve("77").resolve("ns"));
        Files.writeString(
                proc.resolve("77").resolve("cgroup"),
                "0::/kubepods/pod" + web.getMetadata().getUid() + "/c\n");
        Files.createSymbolicLink(pid.resolve("net"), Path.of("/var/run/netns", podNs));

        // A pod that left while no agent ran still has its probe entry: start-up must prune it.
        lab.in(lab.node, "ipset", "create", "istio-inpod-probes-v4", "hash:ip", "family", "inet", "comment");
        lab.in(lab.node, "ipset", "add", "istio-inpod-probes-v4", NetnsLab.ip(99), "comment", "gone-uid");
        agent = NodeAgent.start(config(proc), client, new KubePodAnnotator(client, false));
        assertThat(lab.in(lab.node, "ipset", "list", "istio-inpod-probes-v4"))
                .as("stale entry pruned at start-up")
                .doesNotContain(NetnsLab.ip(99));
        assertThat(lab.in(podNs, "iptables-save"))
                .as("rules reconciled on start-up")
                .contains("ISTIO_PRERT");
        assertThat(lab.in(lab.node, "ipset", "list", "istio-inpod-probes-v4"))
                .contains(NetnsLab.ip(10))
                .contains(NetnsLab.ip(11));

        ztunnel = new StandInZtunnel(dir.resolve("ztunnel.sock"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ztunnel.received.size() == 3);
        assertThat(ztunnel.received)
                .filteredOn(r -> r.hasAdd())
                .singleElement()
                .satisfies(r -> assertThat(r.getAdd().getUid())
                        .isEqualTo(web.getMetadata().getUid()));
        assertThat(ztunnel.received)
                .filteredOn(r -> r.hasKeep())
                .singleElement()
                .satisfies(r -> assertThat(r.getKeep().getUid())
                        .isEqualTo(lost.getMetadata().getUid()));
        assertThat(ztunnel.received.getLast().hasSnapshotSent()).isTrue();
        assertThat(ztunnel.fdInodes).containsExactly(lab.ns(podNs).inode());
    }

    @Test
    void C019_customEnablementSelectorDecidesWhoIsCaptured() throws Exception {
        lab = new NetnsLab();
        String podNs = lab.pod("a", 10);
        String plainNs = lab.pod("b", 11);
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("app")
                        .endMetadata()
                        .build())
                .create();
        // "web" is selected only by the custom selector; "plain" only by the chart default, which is replaced.
        Pod web = client.pods()
                .inNamespace("app")
                .resource(labelledPod("web", 10, Map.of("mesh", "yes")))
                .create();
        Pod plain = client.pods()
                .inNamespace("app")
                .resource(labelledPod("plain", 11, Map.of("istio.io/dataplane-mode", "ambient")))
                .create();
        Path proc = dir.resolve("proc");
        procEntry(proc, "31", web, podNs);
        procEntry(proc, "32", plain, plainNs);
        Map<String, String> env = AgentTestEnv.of(dir);
        env.put("AMBIENT_ENABLEMENT_SELECTOR", "- podSelector:\n    matchLabels: {mesh: \"yes\"}\n");
        AgentConfig config = AgentConfig.fromEnv(env).withHost(Path.of("/var/run/netns", lab.node), proc);
        agent = NodeAgent.start(config, client, new KubePodAnnotator(client, false));
        ztunnel = new StandInZtunnel(config.zdsSocket());
        await().atMost(Duration.ofSeconds(20)).until(() -> "enabled".equals(redirection("web")));
        assertThat(lab.in(podNs, "iptables-save")).contains("-j REDIRECT --to-ports 15006");
        agent.reconcileHost();
        assertThat(redirection("plain"))
                .as("not selected by the custom selector")
                .isNull();
        assertThat(lab.in(lab.node, "ipset", "list", "istio-inpod-probes-v4"))
                .contains(NetnsLab.ip(10))
                .doesNotContain(NetnsLab.ip(11));
        await().atMost(Duration.ofSeconds(10)).until(agent::installed);
        assertThat(Files.readString(dir.resolve("net.d").resolve("10-bridge.conflist")))
                .contains("\"enablement_selectors\"")
                .contains("\"mesh\" : \"yes\"")
                .doesNotContain("NotIn");
    }

    private static void procEntry(Path proc, String pid, Pod pod, String netns) throws IOException {
        Path ns = Files.createDirectories(proc.resolve(pid).resolve("ns"));
        Files.writeString(
                proc.resolve(pid).resolve("cgroup"),
                "0::/kubepods/pod" + pod.getMetadata().getUid() + "/c\n");
        Files.createSymbolicLink(ns.resolve("net"), Path.of("/var/run/netns", netns));
    }

    private String redirection(String pod) {
        Map<String, String> a = client.pods()
                .inNamespace("app")
                .withName(pod)
                .get()
                .getMetadata()
                .getAnnotations();
        return a == null ? null : a.get("ambient.istio.io/redirection");
    }

    private static Pod labelledPod(String name, int host, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("app")
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeName("node1")
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(NetnsLab.ip(host))
                .endStatus()
                .build();
    }

    private static Pod enrolledPod(String name, int host) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("app")
                .withAnnotations(Map.of("ambient.istio.io/redirection", "enabled"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("node1")
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(NetnsLab.ip(host))
                .endStatus()
                .build();
    }

    private AgentConfig config(Path proc) throws IOException {
        Map<String, String> env = AgentTestEnv.of(dir);
        AgentConfig base = AgentConfig.fromEnv(env);
        return base.withHost(Path.of("/var/run/netns", lab.node), proc);
    }
}
