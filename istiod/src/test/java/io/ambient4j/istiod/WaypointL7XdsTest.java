package io.ambient4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.waypoint.HttpRoute;
import io.ambient4j.api.waypoint.L7Policy;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.testing.Channels;
import io.ambient4j.istiod.testing.Pods;
import io.ambient4j.istiod.xds.AdsClientAccess;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A waypoint's L7 configuration over delta ADS, through the whole istiod against the CRUD mock API: two waypoints
 * ({@code waypoint} serving reviews, {@code other} serving productpage), a targetRef AuthorizationPolicy and a GAMMA
 * HTTPRoute. The {@code waypoint} client receives only what concerns its services; updates arrive as deltas, a
 * retargeted policy and a deleted route as removals; a ztunnel never gets L7 resources.
 */
@EnableKubernetesMockClient(crud = true)
class WaypointL7XdsTest {
    private static final ResourceDefinitionContext POLICIES =
            ResourceDefinitionContext.fromResourceType(AuthorizationPolicy.class);
    private static final ResourceDefinitionContext ROUTES = ResourceDefinitionContext.fromResourceType(HTTPRoute.class);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final String POD = "waypoint-5d8f7c9b4-abcde";
    private static final String NODE = "waypoint~10.244.0.50~" + POD + ".demo~demo.svc.cluster.local";

    KubernetesMockServer server;
    KubernetesClient client;

    private ServiceAccountTokens tokens;
    private Istiod istiod;
    private ManagedChannel waypointChannel;
    private ManagedChannel ztunnelChannel;

    @BeforeEach
    void start() {
        tokens = new ServiceAccountTokens();
        tokens.install(server);
        IstiodConfig config = IstiodConfig.defaults().onEphemeralLoopbackPorts();
        istiod = Istiod.start(config, client, AmbientIndexes.start(config, client));
        SampleMesh.apply(client);
        waypointChannel = Channels.tls(
                istiod.port(IstiodServer.TLS_XDS),
                istiod.ca().rootPem(),
                Optional.of(tokens.issue("demo", "waypoint", POD, "", List.of("istio-ca"), Duration.ofHours(1))));
        ztunnelChannel = Channels.tls(
                istiod.port(IstiodServer.TLS_XDS),
                istiod.ca().rootPem(),
                Optional.of(tokens.issue(
                        "istio-system", "ztunnel", "ztunnel-7xk2p", "", List.of("istio-ca"), Duration.ofHours(1))));
    }

    @AfterEach
    void stop() {
        Channels.close(waypointChannel);
        Channels.close(ztunnelChannel);
        istiod.close();
    }

    private void apply(String yaml) {
        SampleMesh.create(client, JSON.unmarshal(yaml, GenericKubernetesResource.class));
    }

    /** A waypoint Gateway whose Service gets a ClusterIP (the API server's part), and a service bound to it. */
    private void waypoint(String name, String boundService, String ip) {
        apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: " + name
                + "\n  namespace: demo\nspec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - name: mesh\n"
                + "    port: 15008\n    protocol: HBONE\n");
        client.services().inNamespace("demo").withName(boundService).edit(s -> {
            s.getMetadata().getLabels().put("istio.io/use-waypoint", name);
            return s;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                if (client.services().inNamespace("demo").withName(name).get() == null) {
                    return false;
                }
                client.services().inNamespace("demo").withName(name).edit(s -> {
                    s.getSpec().setClusterIP(ip);
                    s.getSpec().setClusterIPs(List.of(ip));
                    return s;
                });
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                throw e;
            }
        });
    }

    private static void converge(AdsClientAccess ads, String type, Map<String, Resource> held, Set<String> expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            DeltaDiscoveryResponse r = ads.poll(type);
            if (r != null) {
                r.getResourcesList().forEach(x -> held.put(x.getName(), x));
                r.getRemovedResourcesList().forEach(held::remove);
                ads.ack(r);
            }
            return held.keySet().equals(expected);
        });
    }

    @Test
    void C100_C110_aWaypointGetsOnlyItsL7ResourcesWithUpdatesAndRemovals() throws Exception {
        waypoint("waypoint", "reviews", "10.96.7.7");
        waypoint("other", "productpage", "10.96.7.8");
        client.pods()
                .inNamespace("demo")
                .resource(Pods.runningReady(
                                "demo",
                                POD,
                                "10.244.0.50",
                                Map.of(
                                        "gateway.networking.k8s.io/gateway-name", "waypoint",
                                        "istio.io/dataplane-mode", "none"))
                        .editSpec()
                        .withServiceAccountName("waypoint")
                        .endSpec()
                        .build())
                .create();
        apply("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: reviews-l7, namespace: demo}
                spec:
                  targetRefs: [{group: '', kind: Service, name: reviews}]
                  action: ALLOW
                  rules: [{to: [{operation: {methods: [GET], paths: [/allowed]}}]}]
                """);
        apply("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: other-l7, namespace: demo}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: other}]
                  action: DENY
                  rules: [{}]
                """);
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: reviews-route, namespace: demo}
                spec:
                  parentRefs: [{group: '', kind: Service, name: reviews, port: 9080}]
                  rules:
                  - filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier: {add: [{name: greeting, value: hello world!}]}
                    backendRefs: [{name: reviews, port: 9080}]
                """);

        try (AdsClientAccess ads = new AdsClientAccess(waypointChannel, NODE, "demo")) {
            ads.wildcard(TypeUrls.L7_POLICY);
            ads.wildcard(TypeUrls.HTTP_ROUTE);
            Map<String, Resource> policies = new HashMap<>();
            converge(ads, TypeUrls.L7_POLICY, policies, Set.of("demo/reviews-l7"));
            L7Policy p = policies.get("demo/reviews-l7").getResource().unpack(L7Policy.class);
            assertThat(p.getAction()).isEqualTo(L7Policy.Action.ALLOW);
            assertThat(p.getServices(0).getHostname()).isEqualTo("reviews.demo.svc.cluster.local");
            assertThat(p.getRules(0).getTo(0).getPathsList()).containsExactly("/allowed");
            Map<String, Resource> routes = new HashMap<>();
            converge(ads, TypeUrls.HTTP_ROUTE, routes, Set.of("demo/reviews-route"));
            HttpRoute route = routes.get("demo/reviews-route").getResource().unpack(HttpRoute.class);
            assertThat(route.getParents(0).getService().getHostname()).isEqualTo("reviews.demo.svc.cluster.local");
            assertThat(route.getParents(0).getPort()).isEqualTo(9080);
            assertThat(route.getRules(0).getRequestHeaderModifiers(0).getAddMap())
                    .containsEntry("greeting", "hello world!");

            // Update: the policy becomes DENY → a delta with the new version.
            String before = policies.get("demo/reviews-l7").getVersion();
            editSpec(POLICIES, "reviews-l7", spec -> spec.put("action", "DENY"));
            DeltaDiscoveryResponse update = ads.next(TypeUrls.L7_POLICY);
            assertThat(update.getResourcesList()).extracting(Resource::getName).containsExactly("demo/reviews-l7");
            assertThat(update.getResources(0).getVersion()).isNotEqualTo(before);
            assertThat(update.getResources(0)
                            .getResource()
                            .unpack(L7Policy.class)
                            .getAction())
                    .isEqualTo(L7Policy.Action.DENY);
            ads.nack(update, "rejected by the test");

            // Retargeted to productpage (served by the other waypoint) → removed for this one.
            editSpec(
                    POLICIES,
                    "reviews-l7",
                    spec -> spec.put(
                            "targetRefs", List.of(Map.of("group", "", "kind", "Service", "name", "productpage"))));
            DeltaDiscoveryResponse moved = ads.next(TypeUrls.L7_POLICY);
            assertThat(moved.getRemovedResourcesList()).containsExactly("demo/reviews-l7");
            ads.ack(moved);

            // The route deleted in Kubernetes → removed on the wire.
            client.genericKubernetesResources(ROUTES)
                    .inNamespace("demo")
                    .withName("reviews-route")
                    .delete();
            DeltaDiscoveryResponse gone = ads.next(TypeUrls.HTTP_ROUTE);
            assertThat(gone.getRemovedResourcesList()).containsExactly("demo/reviews-route");
        }

        // ztunnel asks for the L7 types too: it gets Address, never L7 resources.
        try (AdsClientAccess zt = new AdsClientAccess(ztunnelChannel)) {
            zt.wildcard(TypeUrls.L7_POLICY);
            zt.wildcard(TypeUrls.ADDRESS);
            assertThat(zt.next(TypeUrls.ADDRESS).getResourcesCount()).isPositive();
            assertThat(zt.poll(TypeUrls.L7_POLICY)).isNull();
        }
    }

    @Test
    void C100_aWaypointThatConnectsBeforeIstiodKnowsItsPodCatchesUpOnceItDoes() throws Exception {
        waypoint("waypoint", "reviews", "10.96.7.7");
        apply("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: gateway-l7, namespace: demo}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}]
                  action: DENY
                  rules: [{to: [{operation: {paths: [/admin]}}]}]
                """);
        await().atMost(Duration.ofSeconds(30)).until(() -> debugDump().contains("\"l7PolicyResources\":1"));
        assertThat(debugDump()).as("the debug dump lists the L7 resources").contains("\"demo/gateway-l7\":{");
        try (AdsClientAccess ads = new AdsClientAccess(waypointChannel, NODE, "demo")) {
            ads.wildcard(TypeUrls.L7_POLICY);
            DeltaDiscoveryResponse first = ads.next(TypeUrls.L7_POLICY);
            assertThat(first.getResourcesList())
                    .as("no pod known: not yet this waypoint's")
                    .isEmpty();
            ads.ack(first);
            client.pods()
                    .inNamespace("demo")
                    .resource(Pods.runningReady(
                                    "demo",
                                    POD,
                                    "10.244.0.50",
                                    Map.of("gateway.networking.k8s.io/gateway-name", "waypoint"))
                            .build())
                    .create();
            DeltaDiscoveryResponse caughtUp = ads.next(TypeUrls.L7_POLICY);
            assertThat(caughtUp.getResourcesList())
                    .extracting(Resource::getName)
                    .containsExactly("demo/gateway-l7");
            L7Policy p = caughtUp.getResources(0).getResource().unpack(L7Policy.class);
            assertThat(p.getServicesList())
                    .as("a Gateway target: every service of the waypoint")
                    .isEmpty();
        }
    }

    /** istiod's ambient debug dump (counts, errors, resources). */
    private String debugDump() throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                            + istiod.port(IstiodServer.HTTP_DEBUG) + "/debug/ambient"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    @SuppressWarnings("unchecked")
    private void editSpec(
            ResourceDefinitionContext ctx, String name, java.util.function.Consumer<Map<String, Object>> change) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                GenericKubernetesResource r = client.genericKubernetesResources(ctx)
                        .inNamespace("demo")
                        .withName(name)
                        .get();
                change.accept((Map<String, Object>) r.getAdditionalProperties().get("spec"));
                client.genericKubernetesResources(ctx)
                        .inNamespace("demo")
                        .resource(r)
                        .update();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                throw e;
            }
        });
    }
}
