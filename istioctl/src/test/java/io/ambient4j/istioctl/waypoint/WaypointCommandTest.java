package io.ambient4j.istioctl.waypoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istioctl.Run;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** C090: the waypoint lifecycle with istioctl against the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class WaypointCommandTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void namespace() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("bookinfo")
                        .addToLabels("istio.io/dataplane-mode", "ambient")
                        .endMetadata()
                        .build())
                .create();
    }

    private GenericKubernetesResource gateway(String name) {
        return client.genericKubernetesResources(Waypoints.GATEWAYS)
                .inNamespace("bookinfo")
                .withName(name)
                .get();
    }

    @Test
    @SuppressWarnings("unchecked")
    void C090_applyCreatesTheWaypointGateway() {
        Run run = Run.of(server::createClient, "waypoint", "apply", "-n", "bookinfo", "--for", "service");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("✅ waypoint bookinfo/waypoint applied\n");

        GenericKubernetesResource gw = gateway("waypoint");
        assertThat(gw).isNotNull();
        assertThat(gw.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(gw.getKind()).isEqualTo("Gateway");
        assertThat(gw.getMetadata().getLabels()).containsEntry("istio.io/waypoint-for", "service");
        Map<String, Object> spec =
                (Map<String, Object>) gw.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("gatewayClassName", "istio-waypoint");
        assertThat((List<Map<String, Object>>) spec.get("listeners"))
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .containsEntry("name", "mesh")
                        .containsEntry("port", 15008)
                        .containsEntry("protocol", "HBONE"));
        // no --enroll-namespace: the namespace is left alone
        assertThat(client.namespaces().withName("bookinfo").get().getMetadata().getLabels())
                .doesNotContainKey("istio.io/use-waypoint");
    }

    @Test
    void C090_enrollNamespaceLabelsItAndRespectsAnExistingWaypointUnlessOverwrite() {
        Run w3 = Run.of(
                server::createClient, "waypoint", "apply", "-n", "bookinfo", "--name", "w3", "--enroll-namespace");
        assertThat(w3.code()).as(w3.toString()).isZero();
        assertThat(w3.out())
                .contains("✅ waypoint bookinfo/w3 applied")
                .contains("✅ namespace bookinfo labeled with \"istio.io/use-waypoint: w3\"");
        assertThat(client.namespaces().withName("bookinfo").get().getMetadata().getLabels())
                .containsEntry("istio.io/use-waypoint", "w3");

        Run w4 = Run.of(
                server::createClient, "waypoint", "apply", "-n", "bookinfo", "--name", "w4", "--enroll-namespace");
        assertThat(w4.out()).contains("already has an enrolled Waypoint").contains("--overwrite");
        assertThat(gateway("w4")).isNull();
        assertThat(client.namespaces().withName("bookinfo").get().getMetadata().getLabels())
                .containsEntry("istio.io/use-waypoint", "w3");

        Run over = Run.of(
                server::createClient,
                "waypoint",
                "apply",
                "-n",
                "bookinfo",
                "--name",
                "w4",
                "--enroll-namespace",
                "--overwrite");
        assertThat(over.code()).as(over.toString()).isZero();
        assertThat(client.namespaces().withName("bookinfo").get().getMetadata().getLabels())
                .containsEntry("istio.io/use-waypoint", "w4");
    }

    @Test
    @SuppressWarnings("unchecked")
    void C090_listAndDelete() {
        for (String n : List.of("w1", "w2", "w3")) {
            assertThat(Run.of(server::createClient, "waypoint", "apply", "-n", "bookinfo", "--name", n)
                            .code())
                    .isZero();
        }
        // a Gateway of another class is not a waypoint
        GenericKubernetesResource ingress = Waypoints.gateway("ingress", "bookinfo", null, null);
        ((Map<String, Object>) ingress.getAdditionalProperties().get("spec")).put("gatewayClassName", "istio");
        client.genericKubernetesResources(Waypoints.GATEWAYS)
                .inNamespace("bookinfo")
                .resource(ingress)
                .create();

        Run list = Run.of(server::createClient, "waypoint", "list", "-n", "bookinfo");
        assertThat(list.out()).isEqualTo("""
                        NAME     REVISION     TRAFFIC TYPE     PROGRAMMED
                        w1       default      none             False
                        w2       default      none             False
                        w3       default      none             False
                        """);
        Run all = Run.of(server::createClient, "waypoint", "list", "-A");
        assertThat(all.out()).startsWith("NAMESPACE     NAME     REVISION").contains("bookinfo      w2");

        Run del = Run.of(server::createClient, "waypoint", "delete", "-n", "bookinfo", "w1", "w2", "nope");
        assertThat(del.out())
                .contains("waypoint bookinfo/w1 deleted")
                .contains("waypoint bookinfo/w2 deleted")
                .contains("waypoint bookinfo/nope not found");
        assertThat(gateway("w1")).isNull();
        assertThat(gateway("w3")).isNotNull();

        Run delAll = Run.of(server::createClient, "waypoint", "delete", "-n", "bookinfo", "--all");
        assertThat(delAll.out()).isEqualTo("waypoint bookinfo/w3 deleted\n");
        assertThat(gateway("ingress")).isNotNull();
        assertThat(Run.of(server::createClient, "waypoint", "list", "-n", "bookinfo")
                        .out())
                .isEqualTo("No waypoints found.\n");
    }

    @Test
    void C090_waitReturnsOnceProgrammed() throws Exception {
        Thread marker = Thread.ofVirtual().start(() -> {
            var op = client.genericKubernetesResources(Waypoints.GATEWAYS).inNamespace("bookinfo");
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> op.withName("waypoint").get() != null);
            GenericKubernetesResource gw = op.withName("waypoint").get();
            gw.setAdditionalProperty(
                    "status", Map.of("conditions", List.of(Map.of("type", "Programmed", "status", "True"))));
            op.resource(gw).updateStatus();
        });
        Run run = Run.of(
                server::createClient, "waypoint", "apply", "-n", "bookinfo", "--wait", "--waypoint-timeout", "20s");
        marker.join();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("✅ waypoint bookinfo/waypoint is ready!");
    }

    @Test
    void C090_generatePrintsTheGatewayAndNoneIsReserved() {
        Run gen = Run.of(server::createClient, "waypoint", "generate", "-n", "bookinfo", "--for", "workload");
        assertThat(gen.out()).isEqualTo("""
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: Gateway
                        metadata:
                          labels:
                            istio.io/waypoint-for: workload
                          name: waypoint
                          namespace: bookinfo
                        spec:
                          gatewayClassName: istio-waypoint
                          listeners:
                          - name: mesh
                            port: 15008
                            protocol: HBONE
                        """);
        Run none = Run.of(server::createClient, "waypoint", "generate", "--name", "none");
        assertThat(none.err()).isEqualTo("Error: invalid name provided for waypoint, 'none' is a reserved value\n");
        Run bad = Run.of(server::createClient, "waypoint", "generate", "--for", "pods");
        assertThat(bad.err())
                .isEqualTo("Error: invalid traffic type: pods. Valid options are: [all none service workload]\n");
    }
}
