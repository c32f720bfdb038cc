package io.ambient4j.istiod.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.ambient.MeshSettings;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.testing.Pods;
import io.ambient4j.istiod.xds.ResourceDelta;
import io.ambient4j.istiod.xds.TypeUrls;
import io.ambient4j.istiod.xds.XdsResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller end to end against fabric8's CRUD mock API server: informers → queue → single writer →
 * index → deltas, plus the AuthorizationPolicy status written back.
 */
@EnableKubernetesMockClient(crud = true)
class AmbientControllerMockTest {
    private static final String NS = "demo";
    private static final String POD_UID = "Kubernetes//Pod/demo/web-1";
    private static final String SVC = "demo/web.demo.svc.cluster.local";
    private static final ResourceDefinitionContext AP =
            ResourceDefinitionContext.fromResourceType(AuthorizationPolicy.class);
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesClient client;

    private AmbientController controller;
    private final List<ResourceDelta> deltas = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        controller = new AmbientController(MeshSettings.defaults());
        controller.source().subscribe(deltas::add);
        controller.start(client);
        assertThat(controller.awaitSynced(WAIT)).isTrue();
    }

    @AfterEach
    void stop() {
        controller.stop();
    }

    private static Pod pod(String name, String ip, Map<String, String> labels) {
        return Pods.runningReady(NS, name, ip, labels)
                .editMetadata()
                .addToAnnotations("ambient.istio.io/redirection", "enabled")
                .endMetadata()
                .editSpec()
                .withServiceAccountName("web")
                .withNodeName("n1")
                .addNewContainer()
                .withName("app")
                .withImage("x")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .build();
    }

    private Workload workload(String uid) {
        XdsResource r = controller.source().snapshot(TypeUrls.ADDRESS).get(uid);
        return r == null ? null : ((Address) r.body()).getWorkload();
    }

    private boolean upserted(String typeUrl, String name) {
        return deltas.stream()
                .filter(d -> d.typeUrl().equals(typeUrl))
                .anyMatch(d -> d.upserted().stream().anyMatch(r -> r.name().equals(name)));
    }

    private boolean removed(String typeUrl, String name) {
        return deltas.stream()
                .filter(d -> d.typeUrl().equals(typeUrl))
                .anyMatch(d -> d.removed().contains(name));
    }

    private static GenericKubernetesResource authorizationPolicy(String name, Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("security.istio.io/v1")
                .withKind("AuthorizationPolicy")
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> ztunnelCondition(String name) {
        GenericKubernetesResource g = client.genericKubernetesResources(AP)
                .inNamespace(NS)
                .withName(name)
                .get();
        if (g == null || !(g.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return null;
        }
        if (!(status.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        return conditions.stream()
                .map(c -> (Map<String, Object>) c)
                .filter(c -> "ZtunnelAccepted".equals(c.get("type")))
                .findFirst()
                .orElse(null);
    }

    @Test
    void createUpdateDeleteProduceDeltas() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .endMetadata()
                        .build())
                .create();
        client.pods()
                .inNamespace(NS)
                .resource(pod("web-1", "10.1.0.5", Map.of("app", "web")))
                .create();
        client.services()
                .inNamespace(NS)
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName("web")
                        .endMetadata()
                        .withNewSpec()
                        .withClusterIP("10.96.0.10")
                        .withSelector(Map.of("app", "web"))
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .withTargetPort(new IntOrString("http"))
                        .endPort()
                        .endSpec()
                        .build())
                .create();

        await().atMost(WAIT)
                .until(() -> workload(POD_UID) != null
                        && workload(POD_UID).getServicesMap().containsKey(SVC));
        Workload w = workload(POD_UID);
        assertThat(w.getServicesMap().get(SVC).getPorts(0).getTargetPort()).isEqualTo(8080);
        assertThat(w.getTunnelProtocol()).isEqualTo(io.ambient4j.api.workload.TunnelProtocol.HBONE);
        assertThat(upserted(TypeUrls.ADDRESS, SVC)).isTrue();

        // a selector policy: Authorization resource, workload lists it, status written back
        client.genericKubernetesResources(AP)
                .inNamespace(NS)
                .resource(authorizationPolicy(
                        "allow-web",
                        Map.of(
                                "selector",
                                Map.of("matchLabels", Map.of("app", "web")),
                                "rules",
                                List.of(Map.of(
                                        "from",
                                        List.of(Map.of(
                                                "source",
                                                Map.of("principals", List.of("cluster.local/ns/a/sa/b")))))))))
                .create();
        await().atMost(WAIT).until(() -> upserted(TypeUrls.AUTHORIZATION, "demo/allow-web"));
        await().atMost(WAIT)
                .until(() -> workload(POD_UID).getAuthorizationPoliciesList().contains("demo/allow-web"));
        Authorization a = (Authorization) controller
                .source()
                .snapshot(TypeUrls.AUTHORIZATION)
                .get("demo/allow-web")
                .body();
        assertThat(a.getRules(0).getClauses(0).getMatches(0).getPrincipals(0).getExact())
                .isEqualTo("cluster.local/ns/a/sa/b");
        await().atMost(WAIT).until(() -> ztunnelCondition("allow-web") != null);
        assertThat(ztunnelCondition("allow-web"))
                .containsEntry("status", "True")
                .containsEntry("reason", "Accepted")
                .containsEntry("message", "attached to ztunnel");

        // AUDIT is rejected with a status
        client.genericKubernetesResources(AP)
                .inNamespace(NS)
                .resource(authorizationPolicy("audit", Map.of("action", "AUDIT")))
                .create();
        await().atMost(WAIT).until(() -> ztunnelCondition("audit") != null);
        assertThat(ztunnelCondition("audit"))
                .containsEntry("status", "False")
                .containsEntry("reason", "UnsupportedValue")
                .containsEntry("message", "ztunnel does not support the AUDIT action");
        assertThat(controller.source().snapshot(TypeUrls.AUTHORIZATION)).doesNotContainKey("demo/audit");

        // update: relabel the pod out of the service
        int before = deltas.size();
        client.pods()
                .inNamespace(NS)
                .resource(pod("web-1", "10.1.0.5", Map.of("app", "other")))
                .update();
        await().atMost(WAIT).until(() -> workload(POD_UID).getServicesMap().isEmpty());
        assertThat(deltas.subList(before, deltas.size()))
                .anyMatch(d -> d.upserted().stream().anyMatch(r -> r.name().equals(POD_UID)));
        assertThat(workload(POD_UID).getAuthorizationPoliciesList()).isEmpty();

        // deletes: service and pod removed
        client.services().inNamespace(NS).withName("web").delete();
        await().atMost(WAIT).until(() -> removed(TypeUrls.ADDRESS, SVC));
        client.pods().inNamespace(NS).withName("web-1").delete();
        await().atMost(WAIT).until(() -> removed(TypeUrls.ADDRESS, POD_UID));
        client.genericKubernetesResources(AP)
                .inNamespace(NS)
                .withName("allow-web")
                .delete();
        await().atMost(WAIT).until(() -> removed(TypeUrls.AUTHORIZATION, "demo/allow-web"));
        assertThat(controller.source().snapshot(TypeUrls.ADDRESS)).isEmpty();
    }

    @Test
    void malformedPolicyIsReportedAndOthersStillTranslate() {
        client.genericKubernetesResources(AP)
                .inNamespace(NS)
                .resource(authorizationPolicy("broken", Map.of("rules", "this should be a list")))
                .create();
        client.genericKubernetesResources(AP)
                .inNamespace(NS)
                .resource(authorizationPolicy(
                        "fine", Map.of("action", "DENY", "futureField", Map.of("x", 1), "rules", List.of(Map.of()))))
                .create();
        await().atMost(WAIT)
                .until(() ->
                        controller.source().snapshot(TypeUrls.AUTHORIZATION).containsKey("demo/fine"));
        assertThat(controller.source().snapshot(TypeUrls.AUTHORIZATION)).doesNotContainKey("demo/broken");
        await().atMost(WAIT).until(() -> ztunnelCondition("broken") != null);
        assertThat(ztunnelCondition("broken"))
                .containsEntry("status", "False")
                .containsEntry("reason", MalformedResourceException.REASON);
        assertThat((String) ztunnelCondition("broken").get("message"))
                .contains("AuthorizationPolicy demo/broken is malformed");

        String dump = controller.dumpJson();
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new KubernetesSerialization().unmarshal(dump, Map.class);
        assertThat(parsed).containsKeys("counts", "errors", "addresses", "authorizations", "policyStatus");
        assertThat(((Map<?, ?>) parsed.get("errors")).containsKey("AuthorizationPolicy demo/broken"))
                .isTrue();
        assertThat(((Map<?, ?>) parsed.get("authorizations")).containsKey("demo/fine"))
                .isTrue();
    }

    @Test
    void waypointAndPeerAuthenticationArriveThroughInformers() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .addToLabels("istio.io/use-waypoint", "wp")
                        .endMetadata()
                        .build())
                .create();
        client.pods()
                .inNamespace(NS)
                .resource(pod("web-1", "10.1.0.5", Map.of("app", "web")))
                .create();
        client.genericKubernetesResources(
                        ResourceDefinitionContext.fromResourceType(io.ambient4j.istiod.kube.crd.Gateway.class))
                .inNamespace(NS)
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("gateway.networking.k8s.io/v1")
                        .withKind("Gateway")
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName("wp")
                        .addToLabels("istio.io/waypoint-for", "all")
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
                                        List.of(Map.of("type", "Hostname", "value", "wp.demo.svc.cluster.local"))))
                        .build())
                .create();
        await().atMost(WAIT)
                .until(() -> workload(POD_UID) != null && workload(POD_UID).hasWaypoint());
        assertThat(workload(POD_UID).getWaypoint().getHostname().getHostname()).isEqualTo("wp.demo.svc.cluster.local");

        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(
                        io.ambient4j.istiod.kube.crd.PeerAuthentication.class))
                .inNamespace(NS)
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("security.istio.io/v1")
                        .withKind("PeerAuthentication")
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName("strict")
                        .endMetadata()
                        .addToAdditionalProperties("spec", Map.of("mtls", Map.of("mode", "STRICT")))
                        .build())
                .create();
        await().atMost(WAIT)
                .until(() -> workload(POD_UID)
                        .getAuthorizationPoliciesList()
                        .contains("istio-system/istio_converted_static_strict"));
        assertThat(controller.source().snapshot(TypeUrls.AUTHORIZATION))
                .containsKey("istio-system/istio_converted_static_strict");
    }
}
