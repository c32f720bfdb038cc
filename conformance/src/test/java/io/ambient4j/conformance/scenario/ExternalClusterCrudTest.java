package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External mode against fabric8's CRUD mock API server: objects applied with the echo rewrite and real node names,
 * missing namespaces made and everything deleted after, waits on readiness through the API (the mock has no
 * kubelet: the test marks the pod Ready itself), component availability from the Helm install's objects, and
 * node-level steps reported as skipped. Exec cannot run on the CRUD mock (see ExternalClusterExecTest).
 */
@EnableKubernetesMockClient(crud = true)
class ExternalClusterCrudTest {
    private static final String IMAGE = "localhost/ambient4j/echo:0.1.0-SNAPSHOT";

    KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void cluster() {
        client.resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("kind-control-plane")
                        .addToLabels(NodeNames.CONTROL_PLANE, "")
                        .endMetadata()
                        .build())
                .create();
        for (String n : List.of("kind-worker", "kind-worker2")) {
            client.resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(n)
                            .endMetadata()
                            .withNewStatus()
                            .addNewAddress()
                            .withType("InternalIP")
                            .withAddress(n.endsWith("2") ? "172.18.0.4" : "172.18.0.3")
                            .endAddress()
                            .endStatus()
                            .build())
                    .create();
        }
    }

    private void installed(int ztunnelReady) {
        client.resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("istiod")
                        .withNamespace("istio-system")
                        .endMetadata()
                        .withNewStatus()
                        .withReadyReplicas(1)
                        .endStatus()
                        .build())
                .createOr(o -> o.update());
        for (String ds : List.of("ztunnel", "istio-cni-node")) {
            client.resource(new DaemonSetBuilder()
                            .withNewMetadata()
                            .withName(ds)
                            .withNamespace("istio-system")
                            .endMetadata()
                            .withNewStatus()
                            .withDesiredNumberScheduled(3)
                            .withNumberReady(ds.equals("ztunnel") ? ztunnelReady : 3)
                            .endStatus()
                            .build())
                    .createOr(o -> o.update());
        }
    }

    private Scenario scenario(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return ScenarioParser.parse(f);
    }

    @Test
    void C062_objectsAreRewrittenWaitedForAndDeletedAndNodeStepsSkipped() throws Exception {
        installed(3);
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(10));
        assertThat(cluster.unavailableComponents()).isEmpty();
        assertThat(cluster.nodeIp("node-2")).isEqualTo("172.18.0.4");
        Scenario s = scenario("C062-ext.yaml", """
                cases: [C062]
                requires: [istiod, ztunnel, cni]
                steps:
                  - apply: |
                      apiVersion: v1
                      kind: Namespace
                      metadata: {name: ext-a, labels: {istio.io/dataplane-mode: ambient}}
                      ---
                      apiVersion: v1
                      kind: Pod
                      metadata: {name: server, namespace: ext-a}
                      spec:
                        nodeName: node-2
                        containers: [{name: app, image: echo, ports: [{name: http, containerPort: 18080}]}]
                      ---
                      apiVersion: v1
                      kind: ConfigMap
                      metadata: {name: extra, namespace: ext-b}
                      data: {a: b}
                  - waitFor: {kind: Pod, namespace: ext-a, name: server, timeout: 20s}
                  - check:
                      name: the echo image runs on the second worker
                      field: {kind: Pod, namespace: ext-a, name: server, path: [spec, containers, 0, image], value: "%s"}
                  - check:
                      name: on the real node
                      field: {kind: Pod, namespace: ext-a, name: server, path: [spec, nodeName], value: kind-worker2}
                  - check:
                      name: in-pod rules
                      rules: {pod: ext-a/server, table: nat, contains: ["--to-ports 15001"]}
                  - component: {name: ztunnel-node-2, action: restart}
                  - check:
                      name: never run
                      field: {kind: Pod, namespace: ext-a, name: server, path: [spec, nodeName], value: nowhere}
                """.formatted(IMAGE));

        AtomicReference<ScenarioResult> result = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> result.set(new ScenarioRunner(cluster).run(s)));
        // the runner made the namespace the ConfigMap lives in, and waits for the pod to be Ready
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.configMaps()
                                .inNamespace("ext-b")
                                .withName("extra")
                                .get()
                        != null);
        assertThat(client.namespaces().withName("ext-b").get()).isNotNull();
        assertThat(result.get()).as("still waiting for Ready").isNull();
        Pod pod = client.pods().inNamespace("ext-a").withName("server").get();
        assertThat(pod.getSpec().getContainers().getFirst().getArgs()).containsExactly("serve", "http=18080");
        markReady("ext-a", "server");
        runner.join(Duration.ofSeconds(30));

        ScenarioResult r = result.get();
        assertThat(r).isNotNull();
        assertThat(r.status()).as(r.detail()).isEqualTo(ScenarioResult.Status.PARTIAL);
        assertThat(r.detail())
                .contains("check 'in-pod rules': skipped (needs node access: iptables-save")
                .contains("component restart ztunnel-node-2 and the 1 steps after it: skipped (needs node access");
        // everything the scenario applied or made is gone
        assertThat(client.pods().inNamespace("ext-a").withName("server").get()).isNull();
        assertThat(client.configMaps().inNamespace("ext-b").withName("extra").get())
                .isNull();
        assertThat(client.namespaces().withName("ext-a").get()).isNull();
        assertThat(client.namespaces().withName("ext-b").get()).isNull();
    }

    @Test
    void C062_aPodThatNeverBecomesReadyFailsTheWait() throws Exception {
        installed(3);
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(10));
        Scenario s = scenario("C062-notready.yaml", """
                cases: [C062]
                steps:
                  - apply: |
                      apiVersion: v1
                      kind: Pod
                      metadata: {name: slow, namespace: ext-c}
                      spec:
                        containers: [{name: app, image: echo}]
                  - waitFor: {kind: Pod, namespace: ext-c, name: slow, timeout: 1s}
                  - check:
                      field: {kind: Pod, namespace: ext-c, name: slow, path: [metadata, name], value: slow}
                """);
        ScenarioResult r = new ScenarioRunner(cluster).run(s);
        assertThat(r.status()).isEqualTo(ScenarioResult.Status.FAILED);
        assertThat(r.detail()).contains("waiting for Pod ext-c/slow to be ready");
        assertThat(client.namespaces().withName("ext-c").get()).isNull();
    }

    @Test
    void C062_componentsNotReadyInTheClusterSkipTheScenario() throws Exception {
        installed(2);
        ExternalCluster cluster = new ExternalCluster(client, IMAGE, Duration.ofSeconds(10));
        assertThat(cluster.unavailableComponents())
                .containsOnlyKeys("ztunnel")
                .containsEntry("ztunnel", "ztunnel: DaemonSet istio-system/ztunnel has 2/3 pods ready");
        Scenario s = scenario("C062-skip.yaml", """
                cases: [C062]
                requires: [istiod, ztunnel]
                steps:
                  - check:
                      field: {kind: Namespace, name: default, path: [metadata, name], value: default}
                """);
        ScenarioResult r = new ScenarioRunner(cluster).run(s);
        assertThat(r.status()).isEqualTo(ScenarioResult.Status.SKIPPED);
        assertThat(r.detail()).contains("2/3 pods ready");
    }

    private void markReady(String ns, String name) {
        client.pods().inNamespace(ns).withName(name).editStatus(p -> {
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                    .withPhase("Running")
                    .withPodIP("10.244.2.7")
                    .withConditions(new PodConditionBuilder()
                            .withType("Ready")
                            .withStatus("True")
                            .build())
                    .build());
            return p;
        });
    }
}
