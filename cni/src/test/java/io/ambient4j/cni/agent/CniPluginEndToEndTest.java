package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.cni.plugin.PluginProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI ADD path as a container runtime drives it: the real {@code istio-cni} executable, exec'd with
 * the CNI environment and configuration, posts to the running agent, which captures the pod's real network
 * namespace and hands it to a (stand-in) ztunnel before the plugin prints its result (root only).
 */
@Timeout(120)
@EnableKubernetesMockClient(crud = true)
class CniPluginEndToEndTest {
    KubernetesClient client;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private NodeAgent agent;
    private StandInZtunnel ztunnel;

    @BeforeEach
    void setUp() throws Exception {
        lab = new NetnsLab();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("app")
                        .withLabels(Map.of("istio.io/dataplane-mode", "ambient"))
                        .endMetadata()
                        .build())
                .create();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("plain")
                        .endMetadata()
                        .build())
                .create();
    }

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

    /** A pod just scheduled here: its sandbox is being set up, so its status has no IP yet. */
    private Pod schedule(String namespace, String name) {
        return client.pods()
                .inNamespace(namespace)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("node1")
                        .withServiceAccountName("web-sa")
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Pending")
                        .endStatus()
                        .build())
                .create();
    }

    private AgentConfig config() throws Exception {
        Map<String, String> env = AgentTestEnv.of(dir);
        return AgentConfig.fromEnv(env)
                .withHost(Path.of("/var/run/netns", lab.node), Files.createDirectories(dir.resolve("proc")));
    }

    private String annotation(String namespace, String name) {
        Map<String, String> a = client.pods()
                .inNamespace(namespace)
                .withName(name)
                .get()
                .getMetadata()
                .getAnnotations();
        return a == null ? null : a.get("ambient.istio.io/redirection");
    }

    @Test
    void C007_C018_C020_pluginAddCapturesTheSandboxBeforeReturning() throws Exception {
        String podNs = lab.pod("a", 10);
        Pod pod = schedule("app", "web");
        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        ztunnel = new StandInZtunnel(dir.resolve("ztunnel.sock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.ztunnels() == 1);

        PluginProcess.Result r = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/" + podNs, "app", "web"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(10)));

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(PluginProcess.prevResult(NetnsLab.ip(10)));
        // Everything below was true when the plugin returned: no waiting.
        String rules = lab.in(podNs, "iptables-save");
        assertThat(rules)
                .contains("-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008")
                .contains("-j REDIRECT --to-ports 15001")
                .contains("-j REDIRECT --to-ports 15006");
        assertThat(lab.in(lab.node, "ipset", "list", "istio-inpod-probes-v4")).contains(NetnsLab.ip(10));
        assertThat(ztunnel.received).filteredOn(w -> w.hasAdd()).singleElement().satisfies(w -> {
            assertThat(w.getAdd().getUid()).isEqualTo(pod.getMetadata().getUid());
            assertThat(w.getAdd().getWorkloadInfo().getServiceAccount()).isEqualTo("web-sa");
        });
        assertThat(ztunnel.fdInodes).containsExactly(lab.ns(podNs).inode());
        assertThat(annotation("app", "web")).isEqualTo("enabled");

        // The kubelet then reports the IP: the informer must not capture the pod a second time.
        client.pods().inNamespace("app").withName("web").editStatus(p -> {
            p.getStatus().setPodIP(NetnsLab.ip(10));
            p.getStatus().setPhase("Running");
            return p;
        });
        PluginProcess.Result again = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/" + podNs, "app", "web"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(10)));
        assertThat(again.exit()).isZero();
        assertThat(ztunnel.received).filteredOn(w -> w.hasAdd()).hasSize(1);

        String metrics = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains("istio_cni_plugin_requests_total{response_code=\"200\"} 2")
                .contains("ztunnel_connected 1")
                .contains("istio_cni_install_ready 1")
                .contains("istio_cni_installs_total{result=\"SUCCESS\"} 1")
                .containsPattern("nodeagent_reconcile_events_total\\{type=\"update\"} [1-9]");
    }

    @Test
    void C009_nonAmbientPodPassesThroughUntouched() throws Exception {
        String podNs = lab.pod("b", 11);
        schedule("plain", "web");
        Pod optOut = schedule("app", "opted-out");
        client.pods().inNamespace("app").withName("opted-out").edit(p -> {
            p.getMetadata().setLabels(Map.of("istio.io/dataplane-mode", "none"));
            return p;
        });
        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        ztunnel = new StandInZtunnel(dir.resolve("ztunnel.sock"));

        for (String[] who :
                new String[][] {{"plain", "web"}, {"app", optOut.getMetadata().getName()}}) {
            PluginProcess.Result r = PluginProcess.run(
                    PluginProcess.addEnv("/var/run/netns/" + podNs, who[0], who[1]),
                    PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(11)));
            assertThat(r.exit()).as(r.stdout()).isZero();
            assertThat(r.stdout()).isEqualTo(PluginProcess.prevResult(NetnsLab.ip(11)));
        }
        assertThat(lab.in(podNs, "iptables-save")).doesNotContain("ISTIO");
        assertThat(ztunnel.received).filteredOn(w -> w.hasAdd()).isEmpty();
    }

    @Test
    void C018_addFailsClosedWhenZtunnelCannotTakeThePod() throws Exception {
        String podNs = lab.pod("c", 12);
        schedule("app", "web");
        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        ztunnel = new StandInZtunnel(dir.resolve("ztunnel.sock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.ztunnels() == 1);
        ztunnel.answer.set("netns not usable");

        PluginProcess.Result r = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/" + podNs, "app", "web"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(12)));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout())
                .contains("\"code\":11")
                .contains("could not capture the pod")
                .contains("netns not usable");
        // Rules stay (pending) so a removal undoes them; istiod sees no "enabled".
        assertThat(annotation("app", "web")).isEqualTo("pending");
    }

    @Test
    void C018_addFailsClosedWhenTheNetnsIsGoneOrThePodUnknown() throws Exception {
        schedule("app", "web");
        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        PluginProcess.Result gone = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/a4j-does-not-exist", "app", "web"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(13)));
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.stdout()).contains("cannot open netns /var/run/netns/a4j-does-not-exist");
        PluginProcess.Result unknown = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/a4j-does-not-exist", "app", "ghost"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(13)));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.stdout()).contains("pod app/ghost not found");
    }

    @Test
    void C018_addFailsClosedWhileTheAgentIsDownAndWorksOnceItIsBack() throws Exception {
        String podNs = lab.pod("d", 14);
        schedule("app", "web");
        PluginProcess.Result down = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/" + podNs, "app", "web"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(14)));
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.stdout()).contains("\"code\":11").contains("failed to contact node Istio CNI agent");
        assertThat(lab.in(podNs, "iptables-save")).doesNotContain("ISTIO");

        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        ztunnel = new StandInZtunnel(dir.resolve("ztunnel.sock"));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.ztunnels() == 1);
        PluginProcess.Result retried = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/" + podNs, "app", "web"),
                PluginProcess.addConfig(dir.resolve("run"), NetnsLab.ip(14)));
        assertThat(retried.exit()).as(retried.stdout()).isZero();
        assertThat(lab.in(podNs, "iptables-save")).contains("ISTIO_OUTPUT");
    }

    @SuppressWarnings("unchecked")
    private java.util.List<Map<String, Object>> chain() throws Exception {
        Path file = dir.resolve("net.d").resolve("10-bridge.conflist");
        return (java.util.List<Map<String, Object>>)
                io.ambient4j.cni.plugin.CniConfigs.parse(file.toString(), Files.readAllBytes(file))
                        .get("plugins");
    }

    @Test
    void C030_sigtermLeavesPluginConfigAndRulesWhileTheDaemonSetExists() throws Exception {
        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        assertThat(agent.installed()).isTrue();
        assertThat(chain()).last().satisfies(p -> assertThat(p).containsEntry("type", "istio-cni"));
        assertThat(dir.resolve("bin").resolve("istio-cni")).isExecutable();
        client.apps()
                .daemonSets()
                .inNamespace("istio-system")
                .resource(new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("istio-cni-node")
                        .withNamespace("istio-system")
                        .endMetadata()
                        .build())
                .create();

        agent.shutdown(client, "istio-system");
        agent = null;
        assertThat(chain()).last().satisfies(p -> assertThat(p).containsEntry("type", "istio-cni"));
        assertThat(dir.resolve("bin").resolve("istio-cni")).isExecutable();
        assertThat(lab.in(lab.node, "iptables-save", "-t", "nat")).contains("-A POSTROUTING -j ISTIO_POSTRT");
    }

    @Test
    void C030_sigtermAfterTheDaemonSetIsDeletedUninstalls() throws Exception {
        agent = NodeAgent.start(config(), client, new KubePodAnnotator(client, false));
        assertThat(chain()).hasSize(3);

        agent.shutdown(client, "istio-system");
        agent = null;
        assertThat(chain()).extracting(p -> p.get("type")).containsExactly("bridge", "portmap");
        assertThat(dir.resolve("bin").resolve("istio-cni")).doesNotExist();
        assertThat(lab.in(lab.node, "iptables-save", "-t", "nat")).doesNotContain("ISTIO_POSTRT");
        assertThat(lab.in(lab.node, "ipset", "list", "-n")).doesNotContain("istio-inpod-probes-v4");
    }
}
