package io.ambient4j.istiod.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.ambient.MeshSettings;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewayClass;
import io.ambient4j.istiod.testing.Pods;
import io.ambient4j.istiod.xds.TypeUrls;
import io.ambient4j.istiod.xds.XdsResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Waypoints against fabric8's CRUD mock API server: GatewayClass defaults reach the index through their own
 * informer (spec §7.1), and binding results are written back as {@code istio.io/WaypointBound} (spec §7.2).
 */
@EnableKubernetesMockClient(crud = true)
class WaypointMockTest {
    static final String NS = "demo";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ResourceDefinitionContext GATEWAY = ResourceDefinitionContext.fromResourceType(Gateway.class);
    static final ResourceDefinitionContext GATEWAY_CLASS =
            ResourceDefinitionContext.fromResourceType(GatewayClass.class);

    KubernetesClient client;

    AmbientController controller;

    @BeforeEach
    void start() throws InterruptedException {
        controller = new AmbientController(MeshSettings.defaults());
        controller.start(client);
        await().atMost(WAIT).until(() -> controller.awaitSynced(WAIT));
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .endMetadata()
                        .build())
                .create();
    }

    @AfterEach
    void stop() {
        controller.stop();
    }

    Workload workload(String uid) {
        XdsResource r = controller.source().snapshot(TypeUrls.ADDRESS).get(uid);
        return r == null ? null : ((Address) r.body()).getWorkload();
    }

    /** A waypoint Gateway; with {@code hostname} its status marks it ready. */
    void applyGateway(String name, Map<String, String> labels, String hostname) {
        GenericKubernetesResource gw = new GenericKubernetesResourceBuilder()
                .withApiVersion("gateway.networking.k8s.io/v1")
                .withKind("Gateway")
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .addToAdditionalProperties(
                        "spec",
                        Map.of(
                                "gatewayClassName",
                                "istio-waypoint",
                                "listeners",
                                List.of(Map.of("name", "mesh", "port", 15008, "protocol", "HBONE"))))
                .build();
        var op = client.genericKubernetesResources(GATEWAY).inNamespace(NS);
        GenericKubernetesResource current = op.withName(name).get();
        if (current == null) {
            current = op.resource(gw).create();
        } else {
            current.getMetadata().setLabels(labels);
            current = op.resource(current).update();
        }
        if (hostname != null) {
            current.getAdditionalProperties()
                    .put("status", Map.of("addresses", List.of(Map.of("type", "Hostname", "value", hostname))));
            op.resource(current).updateStatus();
        }
    }

    void applyGatewayClass(String name, String waypointFor) {
        Map<String, String> labels = new HashMap<>();
        if (waypointFor != null) {
            labels.put("istio.io/waypoint-for", waypointFor);
        }
        GenericKubernetesResource current =
                client.genericKubernetesResources(GATEWAY_CLASS).withName(name).get();
        if (current == null) {
            client.genericKubernetesResources(GATEWAY_CLASS)
                    .resource(new GenericKubernetesResourceBuilder()
                            .withApiVersion("gateway.networking.k8s.io/v1")
                            .withKind("GatewayClass")
                            .withNewMetadata()
                            .withName(name)
                            .withLabels(labels)
                            .endMetadata()
                            .addToAdditionalProperties("spec", Map.of("controllerName", "istio.io/mesh-controller"))
                            .build())
                    .create();
        } else {
            current.getMetadata().setLabels(labels);
            client.genericKubernetesResources(GATEWAY_CLASS).resource(current).update();
        }
    }

    static Pod pod(String name, String ip, Map<String, String> labels) {
        return Pods.runningReady(NS, name, ip, labels)
                .editMetadata()
                .addToAnnotations("ambient.istio.io/redirection", "enabled")
                .endMetadata()
                .editSpec()
                .withServiceAccountName("app")
                .withNodeName("n1")
                .addNewContainer()
                .withName("app")
                .withImage("x")
                .endContainer()
                .endSpec()
                .build();
    }

    @Test
    void C095_gatewayClassWaypointForIsTheDefaultForItsGateways() {
        String uid = "Kubernetes//Pod/demo/app-1";
        applyGatewayClass("istio-waypoint", null);
        applyGateway("wp", Map.of(), "wp.demo.svc.cluster.local");
        client.pods()
                .inNamespace(NS)
                .resource(pod("app-1", "10.1.0.7", Map.of("istio.io/use-waypoint", "wp")))
                .create();
        await().atMost(WAIT).until(() -> workload(uid) != null);
        // service-only by default: the pod is not bound
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> !workload(uid).hasWaypoint());

        applyGatewayClass("istio-waypoint", "workload");
        await().atMost(WAIT).until(() -> workload(uid).hasWaypoint());

        // the Gateway's own label beats the class
        applyGateway("wp", Map.of("istio.io/waypoint-for", "service"), null);
        await().atMost(WAIT).until(() -> !workload(uid).hasWaypoint());
        applyGateway("wp", Map.of(), null);
        await().atMost(WAIT).until(() -> workload(uid).hasWaypoint());

        client.genericKubernetesResources(GATEWAY_CLASS)
                .withName("istio-waypoint")
                .delete();
        await().atMost(WAIT).until(() -> !workload(uid).hasWaypoint());
    }

    private static Map<String, Object> boundCondition(List<?> conditions) {
        if (conditions == null) {
            return null;
        }
        for (Object c : conditions) {
            if (c instanceof Map<?, ?> m && "istio.io/WaypointBound".equals(m.get("type"))) {
                Map<String, Object> out = new HashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
        }
        return null;
    }

    private Map<String, Object> serviceCondition(String name) {
        var svc = client.services().inNamespace(NS).withName(name).get();
        if (svc == null || svc.getStatus() == null || svc.getStatus().getConditions() == null) {
            return null;
        }
        List<Map<String, Object>> conditions = svc.getStatus().getConditions().stream()
                .map(c -> Map.<String, Object>of(
                        "type", c.getType(),
                        "status", c.getStatus(),
                        "reason", c.getReason(),
                        "message", c.getMessage()))
                .toList();
        return boundCondition(conditions);
    }

    private Map<String, Object> serviceEntryCondition(String name) {
        GenericKubernetesResource se = client.genericKubernetesResources(SERVICE_ENTRY)
                .inNamespace(NS)
                .withName(name)
                .get();
        if (se == null || !(se.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return null;
        }
        return status.get("conditions") instanceof List<?> l ? boundCondition(l) : null;
    }

    static final ResourceDefinitionContext SERVICE_ENTRY =
            ResourceDefinitionContext.fromResourceType(io.ambient4j.istiod.kube.crd.ServiceEntry.class);

    @Test
    void C047_C094_bindingErrorsAndSuccessAreWrittenAsWaypointBound() {
        client.services()
                .inNamespace(NS)
                .resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName("web")
                        .addToLabels("istio.io/use-waypoint", "wp")
                        .endMetadata()
                        .withNewSpec()
                        .withClusterIP("10.96.0.30")
                        .withSelector(Map.of("app", "web"))
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        await().atMost(WAIT).until(() -> serviceCondition("web") != null);
        assertThat(serviceCondition("web"))
                .containsEntry("status", "False")
                .containsEntry("reason", "WaypointIsNotReady")
                .containsEntry("message", "waypoint \"demo/wp\" is not ready");

        // A workload-only waypoint: wrong traffic type for a Service.
        applyGateway("wp", Map.of("istio.io/waypoint-for", "workload"), "wp.demo.svc.cluster.local");
        await().atMost(WAIT)
                .until(() ->
                        "UnsupportedTrafficType".equals(serviceCondition("web").get("reason")));

        // Serves services now: bound.
        applyGateway("wp", Map.of("istio.io/waypoint-for", "service"), null);
        await().atMost(WAIT).until(() -> "True".equals(serviceCondition("web").get("status")));
        assertThat(serviceCondition("web"))
                .containsEntry("reason", "WaypointAccepted")
                .containsEntry("message", "Successfully attached to waypoint demo/wp");
        assertThat(controller.dumpJson()).contains("\"waypointBound\":{\"SERVICE/demo/web\":");

        // A ServiceEntry asking for a waypoint in a namespace that does not allow it.
        client.genericKubernetesResources(SERVICE_ENTRY)
                .inNamespace(NS)
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("networking.istio.io/v1")
                        .withKind("ServiceEntry")
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName("ext")
                        .addToLabels("istio.io/use-waypoint", "egress")
                        .addToLabels("istio.io/use-waypoint-namespace", "istio-egress")
                        .endMetadata()
                        .addToAdditionalProperties(
                                "spec",
                                Map.of(
                                        "hosts",
                                        List.of("api.example.com"),
                                        "ports",
                                        List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")),
                                        "resolution",
                                        "DNS"))
                        .build())
                .create();
        await().atMost(WAIT).until(() -> serviceEntryCondition("ext") != null);
        assertThat(serviceEntryCondition("ext")).containsEntry("reason", "WaypointIsNotReady");
        GenericKubernetesResource egress = new GenericKubernetesResourceBuilder()
                .withApiVersion("gateway.networking.k8s.io/v1")
                .withKind("Gateway")
                .withNewMetadata()
                .withNamespace("istio-egress")
                .withName("egress")
                .endMetadata()
                .addToAdditionalProperties(
                        "spec",
                        Map.of(
                                "gatewayClassName",
                                "istio-waypoint",
                                "listeners",
                                List.of(Map.of("name", "mesh", "port", 15008, "protocol", "HBONE"))))
                .addToAdditionalProperties(
                        "status",
                        Map.of(
                                "addresses",
                                List.of(Map.of("type", "Hostname", "value", "egress.istio-egress.svc.cluster.local"))))
                .build();
        var created = client.genericKubernetesResources(GATEWAY)
                .inNamespace("istio-egress")
                .resource(egress)
                .create();
        created.getAdditionalProperties()
                .put("status", egress.getAdditionalProperties().get("status"));
        client.genericKubernetesResources(GATEWAY)
                .inNamespace("istio-egress")
                .resource(created)
                .updateStatus();
        await().atMost(WAIT)
                .until(() ->
                        "AttachmentDenied".equals(serviceEntryCondition("ext").get("reason")));
        assertThat(serviceEntryCondition("ext"))
                .containsEntry("status", "False")
                .containsEntry(
                        "message",
                        "we are not permitted to attach to waypoint \"istio-egress/egress\" (missing allowedRoutes?)");

        // Removing the label removes the condition from the Service; other conditions stay.
        var web = client.services().inNamespace(NS).withName("web").get();
        web.getMetadata().getLabels().remove("istio.io/use-waypoint");
        client.services().inNamespace(NS).resource(web).update();
        await().atMost(WAIT).until(() -> serviceCondition("web") == null);
    }
}
