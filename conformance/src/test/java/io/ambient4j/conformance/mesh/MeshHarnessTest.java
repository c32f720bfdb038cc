package io.ambient4j.conformance.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.RequireRoot;
import io.ambient4j.conformance.kubelet.DeploymentController;
import io.ambient4j.conformance.services.DnsMessage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local mesh end to end, as root: two nodes, pods on both, a Deployment behind a Service. The client
 * used here is independent of the scenario engine: a raw socket created inside the client pod's netns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshHarnessTest {
    private static MeshHarness mesh;
    private static KubernetesClient client;
    private static String prefix;

    @BeforeAll
    static void up() {
        RequireRoot.check();
        prefix = "a4t"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(0, 6);
        mesh = MeshHarness.start(MeshConfig.defaults(prefix));
        client = mesh.client();
        Manifests.apply(client, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: t}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: client, namespace: t}
                spec:
                  nodeName: node-1
                  containers: [{name: app, image: echo, ports: [{name: http, containerPort: 18080}]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: server, namespace: t}
                spec:
                  nodeName: node-2
                  containers:
                    - name: app
                      image: echo
                      ports: [{name: http, containerPort: 18080}, {name: tcp-server, containerPort: 16060}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: t}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: app, image: echo, ports: [{name: http, containerPort: 18080}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: t}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                """);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.pods().inNamespace("t").list().getItems().stream()
                                .filter(DeploymentController::isReady)
                                .count()
                        == 4);
    }

    @AfterAll
    static void down() throws IOException {
        if (mesh == null) {
            return;
        }
        mesh.close();
        try (var netns = Files.list(Path.of("/var/run/netns"))) {
            assertThat(netns.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(prefix + "-"));
        }
        assertThat(Path.of("/run/ambient4j", prefix)).doesNotExist();
        assertThat(Path.of("/etc/netns", prefix + "-t-client")).doesNotExist();
    }

    private static Pod pod(String name) {
        return client.pods().inNamespace("t").withName(name).get();
    }

    private static String get(String fromPod, String ip, int port, String path) throws IOException {
        SocketChannel ch;
        try (Netns ns = Netns.named(prefix + "-t-" + fromPod)) {
            ch = mesh.executor().call(ns, SocketChannel::open);
        }
        try (ch) {
            Socket s = ch.socket();
            s.connect(new InetSocketAddress(ip, port), 3000);
            s.setSoTimeout(3000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(1)
    void C034_podsAreScheduledRealisedAndReportedRunning() {
        Pod c = pod("client");
        Pod s = pod("server");
        assertThat(c.getSpec().getNodeName()).isEqualTo("node-1");
        assertThat(c.getStatus().getPhase()).isEqualTo("Running");
        assertThat(c.getStatus().getPodIP()).startsWith("10.244.1.");
        assertThat(c.getStatus().getHostIP()).isEqualTo("10.240.0.11");
        assertThat(s.getStatus().getPodIP()).startsWith("10.244.2.");
        assertThat(Path.of("/var/run/netns", prefix + "-t-client")).exists();
        assertThat(Path.of("/etc/netns", prefix + "-t-client", "resolv.conf"))
                .content()
                .contains("nameserver 10.244.1.1", "search t.svc.cluster.local");
    }

    @Test
    @Order(2)
    void C065_podOnNode1ReachesPodOnNode2AndEchoReportsThePeerIp() throws IOException {
        String reply = get("client", pod("server").getStatus().getPodIP(), 18080, "/cross-node");
        assertThat(reply).startsWith("HTTP/1.1 200").contains("Hostname=server", "URL=/cross-node");
        assertThat(reply).contains("IP=" + pod("client").getStatus().getPodIP() + "\n");
    }

    @Test
    @Order(3)
    void C035_deploymentPodsAreOwnedByAReplicaSetNamedAfterTheTemplateHash() {
        List<Pod> web =
                client.pods().inNamespace("t").withLabel("app", "web").list().getItems();
        assertThat(web).hasSize(2);
        assertThat(web).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrder("node-1", "node-2");
        for (Pod p : web) {
            var owner = p.getMetadata().getOwnerReferences().getFirst();
            assertThat(owner.getKind()).isEqualTo("ReplicaSet");
            assertThat(owner.getName()).matches("web-[a-z0-9]{10}");
            assertThat(p.getMetadata().getName()).matches(owner.getName() + "-[a-z0-9]{5}");
            assertThat(p.getMetadata().getLabels())
                    .containsEntry("pod-template-hash", owner.getName().substring(4));
            var rs = client.apps()
                    .replicaSets()
                    .inNamespace("t")
                    .withName(owner.getName())
                    .get();
            assertThat(rs.getMetadata().getOwnerReferences().getFirst().getName())
                    .isEqualTo("web");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.apps()
                                .deployments()
                                .inNamespace("t")
                                .withName("web")
                                .get()
                                .getStatus()
                                .getReadyReplicas())
                        .isEqualTo(2));
    }

    @Test
    @Order(4)
    void C041_serviceGetsAVipEndpointSliceAndKubeProxyRulesAndIsReachable() throws IOException {
        String vip = client.services()
                .inNamespace("t")
                .withName("web")
                .get()
                .getSpec()
                .getClusterIP();
        assertThat(vip).startsWith("10.96.");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            EndpointSlice slice = client.discovery()
                    .v1()
                    .endpointSlices()
                    .inNamespace("t")
                    .withName("web-a4j")
                    .get();
            assertThat(slice).isNotNull();
            assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "web");
            assertThat(slice.getEndpoints()).hasSize(2);
            assertThat(slice.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getPort()).isEqualTo(18080));
        });
        String rules = Sh.run(Sh.inNetns(prefix + "-node-1", "iptables-save", "-t", "nat"), null);
        assertThat(rules).contains("-d " + vip + "/32 -p tcp -m tcp --dport 80");
        String reply = get("client", vip, 80, "/via-vip");
        assertThat(reply)
                .startsWith("HTTP/1.1 200")
                .contains("Hostname=web-", "IP=" + pod("client").getStatus().getPodIP());
    }

    @Test
    @Order(5)
    void clusterDnsAnswersServiceNamesInsideThePod() throws IOException {
        String vip = client.services()
                .inNamespace("t")
                .withName("web")
                .get()
                .getSpec()
                .getClusterIP();
        DatagramChannel ch;
        try (Netns ns = Netns.named(prefix + "-t-client")) {
            ch = mesh.executor().call(ns, DatagramChannel::open);
        }
        try (ch) {
            ch.socket().setSoTimeout(3000);
            ch.send(
                    ByteBuffer.wrap(DnsMessage.query(9, "web.t.svc.cluster.local")),
                    new InetSocketAddress("10.244.1.1", 53));
            byte[] buf = new byte[512];
            var packet = new java.net.DatagramPacket(buf, buf.length);
            ch.socket().receive(packet);
            assertThat(DnsMessage.parseReply(buf, packet.getLength()).addresses())
                    .containsExactly(vip);
        }
    }

    @Test
    @Order(5)
    void clusterDnsAnswersTheSystemResolverOutsideTheNodeIncludingReverseLookups() {
        // istiod runs in the underlay and resolves through node-1's DNS; glibc drops replies that come from
        // another address than the one it asked, and a PTR query that is never answered stalls TLS servers that
        // name their peers (each lookup here gets 4 s, far below glibc's 5 s per-try timeout)
        String ul = prefix + "-underlay";
        Sh.Result forward = Sh.exec(Sh.inNetns(ul, "timeout", "4", "getent", "hosts", "web.t.svc.cluster.local"), null);
        assertThat(forward.exit()).as(forward.toString()).isZero();
        Sh.Result reverse = Sh.exec(Sh.inNetns(ul, "timeout", "4", "getent", "hosts", "10.240.0.11"), null);
        assertThat(reverse.exit())
                .as("getent exits 2 (not found), not 124 (timed out)")
                .isEqualTo(2);
    }

    @Test
    @Order(6)
    void apiRelayServesTheApiInsideNodeNamespaces() throws IOException {
        String out = Sh.run(
                Sh.inNetns(
                        prefix + "-node-2",
                        "bash",
                        "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/6443; printf 'GET /api/v1/nodes HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3; cat <&3"),
                null);
        assertThat(out).startsWith("HTTP/1.1 200").contains("\"node-1\"", "\"node-2\"");
        assertThat(mesh.nodeKubeconfig()).content().contains("server: http://127.0.0.1:6443");
    }

    @Test
    @Order(7)
    void deletingAPodRemovesItsNamespace() throws IOException {
        // something still holding the namespace (as ztunnel does until its ZDS removal) must not keep the pod's
        // address alive on the node bridge once the address can go to another pod
        try (Netns held = Netns.named(prefix + "-t-server")) {
            client.pods().inNamespace("t").withName("server").delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !Files.exists(Path.of("/var/run/netns", prefix + "-t-server")));
            assertThat(mesh.kubelet().realised("t", "server")).isEmpty();
            // a child started on the netns thread runs in the held namespace (/proc/net would show the process's)
            String left = mesh.executor().call(held, () -> {
                Process p = new ProcessBuilder("ip", "-o", "link", "show")
                        .redirectErrorStream(true)
                        .start();
                try (var in = p.getInputStream()) {
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            });
            assertThat(left).contains("lo:").doesNotContain("eth0");
        }
    }
}
