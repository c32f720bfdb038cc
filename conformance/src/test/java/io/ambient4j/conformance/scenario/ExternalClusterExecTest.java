package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.conformance.echo.EchoImage;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.fabric8.mockwebserver.internal.WebSocketMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The external mode's exec and proxy plumbing against fabric8's mock server in expectations mode (the CRUD mode has
 * no exec): the probe command goes to the pod's echo container over the exec subresource and its stdout is decoded
 * as the probe's outcome; a non-zero exit is an error naming the pod; ztunnel's node-local metrics are read through
 * the ztunnel pod's proxy subresource.
 */
@EnableKubernetesMockClient
class ExternalClusterExecTest {
    private static final String IMAGE = "localhost/ambient4j/echo:t";

    KubernetesMockServer server;
    KubernetesClient client;

    private static Pod pod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("client-1")
                .withNamespace("ns")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("side")
                .withImage("busybox")
                .endContainer()
                .addNewContainer()
                .withName("app")
                .withImage(IMAGE)
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
    }

    /** fabric8 reads the pod before it opens an exec. */
    private void podIsThere() {
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/ns/pods/client-1")
                .andReturn(200, pod())
                .always();
    }

    private static String execPath(List<String> cmd) {
        return "/api/v1/namespaces/ns/pods/client-1/exec?"
                + cmd.stream()
                        .map(c -> "command=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))
                + "&container=app&stdout=true&stderr=true";
    }

    @Test
    void C062_probeRunsByExecInTheEchoContainerAndItsOutputIsTheOutcome() {
        podIsThere();
        ProbeCommand c = new ProbeCommand("http://server/", "GET", Map.of(), null, Duration.ofSeconds(3));
        Outcome answer = Outcome.http(200, Map.of("content-type", "text/plain"), "Hostname=server-x\nIP=10.244.1.5\n");
        server.expect()
                .withPath(execPath(EchoImage.probeExec(c.args())))
                .andUpgradeToWebSocket()
                .open(new OutputStreamMessage(ProbeWire.encode(answer)), new StatusStreamMessage(0))
                .done()
                .once();
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(5));
        Outcome got = cluster.connect(
                new Scenario.Target(Scenario.Target.Kind.POD, "ns", "client-1"),
                pod(),
                "http://server/",
                "GET",
                Map.of(),
                null,
                Duration.ofSeconds(3));
        assertThat(got).isEqualTo(answer);
    }

    @Test
    void C062_aFailedExecIsAnErrorNamingThePod() {
        podIsThere();
        List<String> cmd = List.of("false");
        server.expect()
                .withPath(execPath(cmd))
                .andUpgradeToWebSocket()
                .open(new StatusStreamMessage(1))
                .done()
                .once();
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(5));
        assertThatThrownBy(() -> cluster.exec(pod(), cmd, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(
                        ExternalClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(ExternalClusterException.Reason.EXEC))
                .hasMessageContaining("exec in ns/client-1");
    }

    @Test
    void C126_ztunnelMetricsOfANodeAreReadThroughItsPodProxy() {
        ztunnelOnKindWorker();
        String metrics = "istio_build{component=\"ztunnel\",tag=\"0.1.0\"} 1\n";
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/istio-system/pods/ztunnel-abcde:15020/proxy/metrics")
                .andReturn(200, metrics)
                .once();
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(5));
        Outcome got = cluster.connect(
                new Scenario.Target(Scenario.Target.Kind.NODE, null, "node-1"),
                null,
                "http://127.0.0.1:15020/metrics",
                "GET",
                Map.of(),
                null,
                Duration.ofSeconds(3));
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(metrics);
        assertThat(ExternalCluster.proxyPath("z", "http://127.0.0.1:15000/config_dump?include_eds"))
                .isEqualTo("/api/v1/namespaces/istio-system/pods/z:15000/proxy/config_dump?include_eds");
    }

    @Test
    void C131_ztunnelAdminOnLoopbackIsReadThroughAPortForward() throws Exception {
        assertThat(ExternalCluster.reachableOnPodIp(15020)).isTrue();
        assertThat(ExternalCluster.reachableOnPodIp(15021)).isTrue();
        assertThat(ExternalCluster.reachableOnPodIp(15000))
                .as("admin binds 127.0.0.1")
                .isFalse();
        ztunnelOnKindWorker();
        int local;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            local = s.getLocalPort();
        }
        // the port-forward protocol: each channel (0 data, 1 error) first carries the remote port (little-endian),
        // then data frames are prefixed with their channel
        byte[] port = {(byte) (15000 & 0xff), (byte) (15000 >> 8)};
        String request = "\0GET /config_dump HTTP/1.1\r\nHost: 127.0.0.1:" + local
                + "\r\nUser-Agent: ambient4j-conformance\r\nConnection: close\r\n\r\n";
        String body = "{\"workloads\":[]}";
        byte[] response = ("\0HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length()
                        + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
        server.expect()
                .withPath("/api/v1/namespaces/istio-system/pods/ztunnel-abcde/portforward?ports=15000")
                .andUpgradeToWebSocket()
                .open(
                        new WebSocketMessage(new byte[] {0, port[0], port[1]}),
                        new WebSocketMessage(new byte[] {1, port[0], port[1]}))
                .expect(request)
                .andEmit(new WebSocketMessage(response))
                .always()
                .done()
                .always();
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(5)).withForwardLocalPort(local);
        Outcome got = cluster.connect(
                new Scenario.Target(Scenario.Target.Kind.NODE, null, "node-1"),
                null,
                "http://127.0.0.1:15000/config_dump",
                "GET",
                Map.of(),
                null,
                Duration.ofSeconds(3));
        assertThat(got.status()).as(got.describe()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(body);
    }

    @Test
    void C126_componentLogsAreReadThroughPodsLog() {
        ztunnelOnKindWorker();
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/istio-system/pods/ztunnel-abcde/log?pretty=false")
                .andReturn(200, "INFO: connection complete src.identity=\"spiffe://cluster.local/ns/a/sa/client\"\n")
                .once();
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(5));
        assertThat(cluster.componentLog("ztunnel", "node-1"))
                .contains("src.identity=\"spiffe://cluster.local/ns/a/sa/client\"");
    }

    private void ztunnelOnKindWorker() {
        server.expect()
                .get()
                .withPath("/api/v1/nodes")
                .andReturn(
                        200,
                        new NodeListBuilder()
                                .addToItems(new NodeBuilder()
                                        .withNewMetadata()
                                        .withName("kind-worker")
                                        .endMetadata()
                                        .build())
                                .build())
                .once();
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/istio-system/pods?labelSelector=app%3Dztunnel")
                .andReturn(
                        200,
                        new PodListBuilder()
                                .addToItems(new PodBuilder()
                                        .withNewMetadata()
                                        .withName("ztunnel-abcde")
                                        .withNamespace("istio-system")
                                        .endMetadata()
                                        .withNewSpec()
                                        .withNodeName("kind-worker")
                                        .endSpec()
                                        .build())
                                .build())
                .once();
    }
}
