package io.ambient4j.istiod.waypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.istiod.ambient.Waypoints;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The waypoint controller against fabric8's CRUD mock API server: objects appear for a waypoint Gateway,
 * status addresses follow the Service's ClusterIP (which the mock does not allocate, so the test plays the
 * API server's part), edits are repaired, injector values roll out, and everything goes with the Gateway.
 */
@EnableKubernetesMockClient(crud = true)
class WaypointControllerMockTest {
    private static final ResourceDefinitionContext GATEWAYS = ResourceDefinitionContext.fromResourceType(Gateway.class);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    KubernetesClient client;
    private WaypointController controller;

    @BeforeEach
    void start() {
        controller = new WaypointController(client, "istio-system").start();
        await().atMost(WAIT).until(controller::hasSynced);
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    /**
     * Runs an edit until it does not lose an optimistic-concurrency race (409) with the controller's own
     * writes, as any client of a real API server must.
     */
    static void onLatest(Runnable edit) {
        await().atMost(WAIT).until(() -> {
            try {
                edit.run();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                throw e;
            }
        });
    }

    private GenericKubernetesResource gateway(String ns, String name, String className) {
        String yaml = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: " + name
                + "\n  namespace: " + ns + "\n  labels:\n    istio.io/waypoint-for: service\nspec:\n"
                + "  gatewayClassName: " + className + "\n  listeners:\n  - name: mesh\n    port: 15008\n"
                + "    protocol: HBONE\n";
        return client.genericKubernetesResources(GATEWAYS)
                .inNamespace(ns)
                .resource(JSON.unmarshal(yaml, GenericKubernetesResource.class))
                .create();
    }

    private Gateway typed(String ns, String name) {
        GenericKubernetesResource g = client.genericKubernetesResources(GATEWAYS)
                .inNamespace(ns)
                .withName(name)
                .get();
        return g == null ? null : JSON.convertValue(g, Gateway.class);
    }

    private Deployment deployment(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    private Service service(String ns, String name) {
        return client.services().inNamespace(ns).withName(name).get();
    }

    private ServiceAccount serviceAccount(String ns, String name) {
        return client.serviceAccounts().inNamespace(ns).withName(name).get();
    }

    private static boolean condition(Gateway gw, String type, String status) {
        return gw != null
                && gw.getStatus() != null
                && gw.getStatus().conditions != null
                && gw.getStatus().conditions.stream()
                        .anyMatch(c -> type.equals(c.getType()) && status.equals(c.getStatus()));
    }

    private Map<?, ?> acceptedCondition() {
        GenericKubernetesResource gc = client.genericKubernetesResources(GatewayClassReconciler.GATEWAY_CLASSES)
                .withName("istio-waypoint")
                .get();
        if (gc == null || !(gc.getAdditionalProperties().get("status") instanceof Map<?, ?> st)) {
            return null;
        }
        if (!(st.get("conditions") instanceof List<?> list)) {
            return null;
        }
        return list.stream()
                .filter(c -> c instanceof Map<?, ?> m && "Accepted".equals(m.get("type")))
                .map(c -> (Map<?, ?>) c)
                .findFirst()
                .orElse(null);
    }

    @Test
    void C088_waypointGatewayClassIsCreatedAcceptedAndRestoredAfterWipe() {
        await().atMost(WAIT).until(() -> acceptedCondition() != null);
        GenericKubernetesResource gc = client.genericKubernetesResources(GatewayClassReconciler.GATEWAY_CLASSES)
                .withName("istio-waypoint")
                .get();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec =
                (Map<String, Object>) gc.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("controllerName", "istio.io/mesh-controller");
        Map<?, ?> accepted = acceptedCondition();
        assertThat(accepted.get("status")).isEqualTo("True");
        long generation =
                gc.getMetadata().getGeneration() == null ? 0 : gc.getMetadata().getGeneration();
        assertThat(((Number) accepted.get("observedGeneration")).longValue()).isEqualTo(generation);

        gc.getAdditionalProperties().put("status", Map.of("conditions", List.of()));
        client.genericKubernetesResources(GatewayClassReconciler.GATEWAY_CLASSES)
                .resource(gc)
                .updateStatus();
        await().atMost(WAIT)
                .until(() -> acceptedCondition() != null
                        && "True".equals(acceptedCondition().get("status")));
    }

    @Test
    void C090_waypointObjectsAreCreatedBoundThroughStatusAndRemovedWithTheGateway() {
        String uid = gateway("app", "waypoint", "istio-waypoint").getMetadata().getUid();
        await().atMost(WAIT)
                .until(() -> serviceAccount("app", "waypoint") != null
                        && deployment("app", "waypoint") != null
                        && service("app", "waypoint") != null);
        for (var o :
                List.of(serviceAccount("app", "waypoint"), deployment("app", "waypoint"), service("app", "waypoint"))) {
            assertThat(o.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(r -> assertThat(r.getUid()).isEqualTo(uid));
        }
        Deployment d = deployment("app", "waypoint");
        assertThat(d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getArgs())
                .startsWith("proxy", "waypoint");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("istio.io/dataplane-mode", "none");
        assertThat(service("app", "waypoint").getSpec().getPorts())
                .extracting(p -> p.getPort())
                .containsExactly(15021, 15008);

        // No ClusterIP yet: accepted, not programmed, and the ambient index would not use it.
        await().atMost(WAIT).until(() -> condition(typed("app", "waypoint"), "Programmed", "False"));
        assertThat(condition(typed("app", "waypoint"), "Accepted", "True")).isTrue();
        assertThat(Waypoints.fromGateway(typed("app", "waypoint"), List.of("waypoint"), ""))
                .isEmpty();

        // The API server assigns a ClusterIP (the mock does not, so the test does).
        onLatest(() -> client.services().inNamespace("app").withName("waypoint").edit(s -> {
            s.getSpec().setClusterIP("10.96.0.20");
            s.getSpec().setClusterIPs(List.of("10.96.0.20"));
            return s;
        }));
        await().atMost(WAIT).until(() -> condition(typed("app", "waypoint"), "Programmed", "True"));
        Gateway ready = typed("app", "waypoint");
        assertThat(ready.getStatus().addresses)
                .extracting(a -> a.type + "=" + a.value)
                .containsExactly("Hostname=waypoint.app.svc.cluster.local", "IPAddress=10.96.0.20");
        var bound = Waypoints.fromGateway(ready, List.of("waypoint"), "");
        assertThat(bound).isPresent();
        assertThat(bound.get().address().getHostname().getHostname()).isEqualTo("waypoint.app.svc.cluster.local");
        assertThat(bound.get().address().getHboneMtlsPort()).isEqualTo(15008);

        client.genericKubernetesResources(GATEWAYS)
                .inNamespace("app")
                .withName("waypoint")
                .delete();
        await().atMost(WAIT)
                .until(() -> serviceAccount("app", "waypoint") == null
                        && deployment("app", "waypoint") == null
                        && service("app", "waypoint") == null);
    }

    @Test
    void C090_aDeletedDeploymentIsRecreatedAndAnEditedOneRepaired() {
        gateway("app", "w1", "istio-waypoint");
        await().atMost(WAIT).until(() -> deployment("app", "w1") != null);
        client.apps().deployments().inNamespace("app").withName("w1").delete();
        await().atMost(WAIT).until(() -> deployment("app", "w1") != null);
        onLatest(() -> client.apps()
                .deployments()
                .inNamespace("app")
                .withName("w1")
                .edit(d -> {
                    d.getSpec().getTemplate().getMetadata().getLabels().put("istio.io/dataplane-mode", "ambient");
                    return d;
                }));
        await().atMost(WAIT)
                .until(() -> "none"
                        .equals(deployment("app", "w1")
                                .getSpec()
                                .getTemplate()
                                .getMetadata()
                                .getLabels()
                                .get("istio.io/dataplane-mode")));
    }

    @Test
    void C092_injectorValuesChangeRollsOutToWaypointDeployments() {
        client.configMaps()
                .inNamespace("istio-system")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("istio-sidecar-injector")
                        .withNamespace("istio-system")
                        .endMetadata()
                        .withData(Map.of("values", "{\"global\":{\"hub\":\"example.io/mesh\",\"tag\":\"1.0\"}}"))
                        .build())
                .create();
        gateway("app", "w2", "istio-waypoint");
        await().atMost(WAIT)
                .until(() -> deployment("app", "w2") != null
                        && "example.io/mesh/proxyv2:1.0".equals(image(deployment("app", "w2"))));
        client.configMaps()
                .inNamespace("istio-system")
                .withName("istio-sidecar-injector")
                .edit(cm -> {
                    cm.getData().put("values", "{\"global\":{\"hub\":\"example.io/mesh\",\"tag\":\"1.1\"}}");
                    return cm;
                });
        await().atMost(WAIT).until(() -> "example.io/mesh/proxyv2:1.1".equals(image(deployment("app", "w2"))));
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
    }

    @Test
    void otherGatewayClassesGetNothingAndSwitchingAwayFromWaypointRemovesObjects() {
        gateway("app", "ingress", "istio");
        gateway("app", "w3", "istio-waypoint");
        await().atMost(WAIT).until(() -> deployment("app", "w3") != null);
        // The waypoint was reconciled after the ingress Gateway was seen; the ingress got nothing.
        assertThat(deployment("app", "ingress")).isNull();
        assertThat(service("app", "ingress")).isNull();

        onLatest(() -> client.genericKubernetesResources(GATEWAYS)
                .inNamespace("app")
                .withName("w3")
                .edit(g -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec =
                            (Map<String, Object>) g.getAdditionalProperties().get("spec");
                    spec.put("gatewayClassName", "istio");
                    return g;
                }));
        await().atMost(WAIT)
                .until(() -> deployment("app", "w3") == null
                        && service("app", "w3") == null
                        && serviceAccount("app", "w3") == null);
    }
}
