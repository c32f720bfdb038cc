package io.ambient4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.workload.Address;
import io.ambient4j.istiod.kube.KindRegistry;
import io.ambient4j.istiod.testing.Channels;
import io.ambient4j.istiod.xds.AdsClientAccess;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole control plane in process against fabric8's CRUD mock API server: Kubernetes objects → informers
 * → ambient index → delta ADS → a real grpc-java client over TLS (15012, bearer token) and plaintext (15010).
 * Covers C007 (namespace label enrols pods), C042 (a plain Service), C052 (STRICT → static deny policy) and
 * C055 (AuthorizationPolicy scope) as seen on the wire, with updates as deltas and deletes as removals.
 */
@EnableKubernetesMockClient(crud = true)
class AmbientXdsEndToEndTest {
    private static final String PRODUCTPAGE = "Kubernetes//Pod/demo/productpage-v1-6b7f6dc7f8-x2vqn";
    private static final String REVIEWS = "Kubernetes//Pod/demo/reviews-v1-5f9c6b8d7c-9hwtd";
    private static final String ZTUNNEL = "Kubernetes//Pod/istio-system/ztunnel-7xk2p";
    private static final String REVIEWS_SVC = "demo/reviews.demo.svc.cluster.local";
    private static final String PRODUCTPAGE_SVC = "demo/productpage.demo.svc.cluster.local";
    private static final String POLICY = "demo/reviews-from-productpage";
    private static final String STRICT = "istio-system/istio_converted_static_strict";

    KubernetesMockServer server;
    KubernetesClient client;

    private ServiceAccountTokens tokens;
    private Istiod istiod;
    private ManagedChannel tls;

    @BeforeEach
    void start() throws Exception {
        tokens = new ServiceAccountTokens();
        tokens.install(server);
        IstiodConfig config = IstiodConfig.defaults().onEphemeralLoopbackPorts();
        istiod = Istiod.start(config, client, AmbientIndexes.start(config, client));
        SampleMesh.apply(client);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 200);
        String token =
                tokens.issue("istio-system", "ztunnel", "ztunnel-7xk2p", "", List.of("istio-ca"), Duration.ofHours(1));
        tls = Channels.tls(istiod.port(IstiodServer.TLS_XDS), istiod.ca().rootPem(), Optional.of(token));
    }

    @AfterEach
    void stop() {
        Channels.close(tls);
        istiod.close();
    }

    private int ready() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + istiod.port(IstiodServer.HTTP_DEBUG) + "/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }
    }

    /** Reads until the client holds exactly {@code expected} (the index may still be converging). */
    private static Map<String, Resource> converge(
            AdsClientAccess ads, String type, Map<String, Resource> held, List<String> expected) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            DeltaDiscoveryResponse r = ads.poll(type);
            if (r != null) {
                r.getResourcesList().forEach(x -> held.put(x.getName(), x));
                r.getRemovedResourcesList().forEach(held::remove);
                ads.ack(r);
            }
            return held.keySet().equals(java.util.Set.copyOf(expected));
        });
        return held;
    }

    @Test
    void C007_C042_C052_C055_resourcesReachAZtunnelClientAndChangesArriveAsDeltas() throws Exception {
        try (AdsClientAccess ads = new AdsClientAccess(tls)) {
            ads.wildcard(TypeUrls.ADDRESS);
            ads.wildcard(TypeUrls.AUTHORIZATION);
            Map<String, Resource> addresses = converge(
                    ads,
                    TypeUrls.ADDRESS,
                    new java.util.HashMap<>(),
                    List.of(PRODUCTPAGE, REVIEWS, ZTUNNEL, REVIEWS_SVC, PRODUCTPAGE_SVC));
            Address reviews = addresses.get(REVIEWS).getResource().unpack(Address.class);
            assertThat(reviews.getWorkload().getServiceAccount()).isEqualTo("bookinfo-reviews");
            assertThat(InetAddress.getByAddress(
                                    reviews.getWorkload().getAddresses(0).toByteArray())
                            .getHostAddress())
                    .isEqualTo("10.244.0.12");
            assertThat(reviews.getWorkload().getAuthorizationPoliciesList()).contains(POLICY, STRICT);
            Address svc = addresses.get(REVIEWS_SVC).getResource().unpack(Address.class);
            assertThat(svc.getService().getHostname()).isEqualTo("reviews.demo.svc.cluster.local");

            Map<String, Resource> policies =
                    converge(ads, TypeUrls.AUTHORIZATION, new java.util.HashMap<>(), List.of(POLICY, STRICT));
            Authorization allow = policies.get(POLICY).getResource().unpack(Authorization.class);
            assertThat(allow.getNamespace()).isEqualTo("demo");
            assertThat(allow.getRules(0).getClausesList().stream()
                            .flatMap(c -> c.getMatchesList().stream())
                            .flatMap(m -> m.getPrincipalsList().stream())
                            .map(p -> p.getExact())
                            .collect(Collectors.toList()))
                    .containsExactly("cluster.local/ns/demo/sa/bookinfo-productpage");

            // Update: the reviews pod gets a new IP → a delta with that workload only.
            Pod pod = client.pods()
                    .inNamespace("demo")
                    .withName("reviews-v1-5f9c6b8d7c-9hwtd")
                    .get();
            pod.getStatus().setPodIP("10.244.0.42");
            pod.getStatus().getPodIPs().getFirst().setIp("10.244.0.42");
            client.pods().inNamespace("demo").resource(pod).updateStatus();
            DeltaDiscoveryResponse update = ads.next(TypeUrls.ADDRESS);
            assertThat(update.getResourcesList()).extracting(Resource::getName).containsExactly(REVIEWS);
            Address moved = update.getResources(0).getResource().unpack(Address.class);
            assertThat(InetAddress.getByAddress(
                                    moved.getWorkload().getAddresses(0).toByteArray())
                            .getHostAddress())
                    .isEqualTo("10.244.0.42");
            ads.ack(update);

            // Delete: the pod disappears as removed_resources.
            client.pods()
                    .inNamespace("demo")
                    .withName("productpage-v1-6b7f6dc7f8-x2vqn")
                    .delete();
            DeltaDiscoveryResponse removal = ads.next(TypeUrls.ADDRESS);
            assertThat(removal.getRemovedResourcesList()).containsExactly(PRODUCTPAGE);
            assertThat(removal.getResourcesList()).isEmpty();
            ads.ack(removal);

            // A policy deleted in Kubernetes is removed on the wire.
            client.genericKubernetesResources(KindRegistry.CRDS.getFirst().context())
                    .inNamespace("demo")
                    .withName("reviews-from-productpage")
                    .delete();
            DeltaDiscoveryResponse policyGone = ads.next(TypeUrls.AUTHORIZATION);
            assertThat(policyGone.getRemovedResourcesList()).containsExactly(POLICY);
        }
    }

    @Test
    void C055_reconnectWithInitialVersionsGetsOnlyTheDifferenceAndNacksAreCounted() throws Exception {
        Map<String, String> versions;
        try (AdsClientAccess ads = new AdsClientAccess(Channels.plaintext(istiod.port(IstiodServer.GRPC_XDS)))) {
            ads.wildcard(TypeUrls.AUTHORIZATION);
            Map<String, Resource> held =
                    converge(ads, TypeUrls.AUTHORIZATION, new java.util.HashMap<>(), List.of(POLICY, STRICT));
            versions = held.values().stream().collect(Collectors.toMap(Resource::getName, Resource::getVersion));
        }
        // While disconnected: one policy changes, one is added.
        GenericKubernetesResource p = client.genericKubernetesResources(
                        KindRegistry.CRDS.getFirst().context())
                .inNamespace("demo")
                .withName("reviews-from-productpage")
                .get();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec =
                (Map<String, Object>) p.getAdditionalProperties().get("spec");
        spec.put("action", "DENY");
        client.genericKubernetesResources(KindRegistry.CRDS.getFirst().context())
                .inNamespace("demo")
                .resource(p)
                .update();
        SampleMesh.create(client, Serialization.unmarshal("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: deny-all
                  namespace: demo
                spec: {}
                """, GenericKubernetesResource.class));
        try (AdsClientAccess ads = new AdsClientAccess(tls)) {
            Map<String, String> known = new java.util.HashMap<>(versions);
            known.put("demo/deleted-while-away", "1");
            ads.wildcard(TypeUrls.AUTHORIZATION, known);
            Map<String, Resource> got = new java.util.HashMap<>();
            java.util.Set<String> removed = new java.util.HashSet<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                DeltaDiscoveryResponse r = ads.poll(TypeUrls.AUTHORIZATION);
                if (r != null) {
                    r.getResourcesList().forEach(x -> got.put(x.getName(), x));
                    removed.addAll(r.getRemovedResourcesList());
                    ads.nack(r, "rejected on purpose");
                }
                return got.containsKey(POLICY) && got.containsKey("demo/deny-all");
            });
            // The unchanged static policy was not resent; the unknown name was removed.
            assertThat(got).doesNotContainKey(STRICT);
            assertThat(removed).contains("demo/deleted-while-away");
            assertThat(Authorization.parseFrom(got.get(POLICY).getResource().getValue())
                            .getAction()
                            .name())
                    .isEqualTo("DENY");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> istiod.metrics().value("pilot_total_xds_rejects", "wads") >= 1);
            // The stream keeps serving after the NACK.
            client.genericKubernetesResources(KindRegistry.CRDS.getFirst().context())
                    .inNamespace("demo")
                    .withName("deny-all")
                    .delete();
            assertThat(ads.next(TypeUrls.AUTHORIZATION).getRemovedResourcesList())
                    .containsExactly("demo/deny-all");
        }
    }

    @Test
    void S3_1_onDemandClientSubscribesByAliasAndFollowsTheServiceEndpoints() throws Exception {
        // Wait (through a wildcard client) until the index holds the sample mesh.
        ManagedChannel plain = Channels.plaintext(istiod.port(IstiodServer.GRPC_XDS));
        try (AdsClientAccess all = new AdsClientAccess(plain)) {
            all.wildcard(TypeUrls.ADDRESS);
            converge(
                    all,
                    TypeUrls.ADDRESS,
                    new java.util.HashMap<>(),
                    List.of(PRODUCTPAGE, REVIEWS, ZTUNNEL, REVIEWS_SVC, PRODUCTPAGE_SVC));
        } finally {
            Channels.close(plain);
        }
        try (AdsClientAccess ads = new AdsClientAccess(tls)) {
            ads.subscribe(TypeUrls.ADDRESS, List.of("*"), List.of("*"));
            DeltaDiscoveryResponse none = ads.next(TypeUrls.ADDRESS);
            assertThat(none.getResourcesList()).isEmpty();
            ads.ack(none);
            ads.subscribe(TypeUrls.ADDRESS, List.of("/10.96.0.21", "/10.1.2.3"), List.of());
            DeltaDiscoveryResponse vip = ads.next(TypeUrls.ADDRESS);
            ads.ack(vip);
            Map<String, Resource> got =
                    vip.getResourcesList().stream().collect(Collectors.toMap(Resource::getName, r -> r));
            assertThat(got).containsOnlyKeys(REVIEWS_SVC, REVIEWS);
            assertThat(got.get(REVIEWS_SVC).getAliasesList()).containsExactly("/10.96.0.21");
            assertThat(got.get(REVIEWS).getAliasesList()).containsExactly("/10.244.0.12");
            assertThat(vip.getRemovedResourcesList()).as("unknown alias").containsExactly("/10.1.2.3");

            // A pod alias stands for the workload alone.
            ads.subscribe(TypeUrls.ADDRESS, List.of("/10.244.0.11"), List.of());
            DeltaDiscoveryResponse byPodIp = ads.next(TypeUrls.ADDRESS);
            assertThat(byPodIp.getResourcesList()).extracting(Resource::getName).containsExactly(PRODUCTPAGE);
            ads.ack(byPodIp);

            // A new endpoint behind the subscribed VIP arrives as a delta; the ztunnel pod (not asked for) does not.
            Pod second = client.pods()
                    .inNamespace("demo")
                    .withName("reviews-v1-5f9c6b8d7c-9hwtd")
                    .get();
            second.getMetadata().setName("reviews-v2-7d8f9c6b5a-k4p2z");
            second.getMetadata().setUid("reviews-v2-uid");
            second.getMetadata().setResourceVersion(null);
            second.getStatus().setPodIP("10.244.0.13");
            second.getStatus().getPodIPs().getFirst().setIp("10.244.0.13");
            client.pods().inNamespace("demo").resource(second).create();
            Pod ztunnel = client.pods()
                    .inNamespace("istio-system")
                    .withName("ztunnel-7xk2p")
                    .get();
            ztunnel.getMetadata().getLabels().put("touched", "yes");
            client.pods().inNamespace("istio-system").resource(ztunnel).update();
            String reviewsV2 = "Kubernetes//Pod/demo/reviews-v2-7d8f9c6b5a-k4p2z";
            Map<String, Resource> later = new java.util.HashMap<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                DeltaDiscoveryResponse r = ads.poll(TypeUrls.ADDRESS);
                if (r != null) {
                    r.getResourcesList().forEach(x -> later.put(x.getName(), x));
                    ads.ack(r);
                }
                return later.containsKey(reviewsV2);
            });
            assertThat(later.get(reviewsV2).getAliasesList()).containsExactly("/10.244.0.13");
            assertThat(later).doesNotContainKey(ZTUNNEL);

            // Deleting a followed pod removes it.
            client.pods()
                    .inNamespace("demo")
                    .withName("reviews-v1-5f9c6b8d7c-9hwtd")
                    .delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                DeltaDiscoveryResponse r = ads.poll(TypeUrls.ADDRESS);
                if (r != null) {
                    r.getResourcesList().forEach(x -> later.put(x.getName(), x));
                    ads.ack(r);
                    return r.getRemovedResourcesList().contains(REVIEWS);
                }
                return false;
            });
            assertThat(later).doesNotContainKey(ZTUNNEL);
        }
    }
}
