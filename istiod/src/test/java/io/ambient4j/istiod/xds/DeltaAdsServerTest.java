package io.ambient4j.istiod.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.workload.Address;
import io.ambient4j.common.testing.TestPki;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.istiod.EmbeddedApiServer;
import io.ambient4j.istiod.IstiodServer;
import io.ambient4j.istiod.auth.TokenReviewAuthenticator;
import io.ambient4j.istiod.ca.ServingCertificate;
import io.ambient4j.istiod.ops.Metrics;
import io.ambient4j.istiod.ops.OpsRoutes;
import io.ambient4j.istiod.testing.Channels;
import io.ambient4j.istiod.testing.Resources;
import io.ambient4j.istiod.testing.TestSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delta ADS server over real sockets with a real grpc-java client, fed by an in-test resource store
 * (spec §3.1: wildcard and on-demand subscriptions, ACK/NACK, reconnect with initial_resource_versions,
 * removed_resources; plaintext 15010 and TLS + bearer token 15012).
 */
class DeltaAdsServerTest {
    private static EmbeddedApiServer api;
    private static MeshCa ca;

    private TestSource source;
    private Metrics metrics;
    private IstiodServer server;
    private ManagedChannel channel;

    @BeforeAll
    static void apiServer() {
        api = EmbeddedApiServer.start();
        ca = TestPki.create().ca();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @BeforeEach
    void start() {
        source = new TestSource();
        metrics = new Metrics();
        XdsHub hub = new XdsHub(source, metrics);
        var auth = new TokenReviewAuthenticator(api.client(), "Kubernetes", List.of("istio-ca"));
        ServingCertificate.Issued serving =
                ServingCertificate.issue(ca, ServingCertificate.defaultDnsNames("istio-system"), Duration.ofHours(1));
        server = IstiodServer.start(new IstiodServer.Config(
                "127.0.0.1",
                0,
                0,
                0,
                0,
                List.of(new DeltaAdsService(hub, Optional.empty())),
                List.of(new DeltaAdsService(hub, Optional.of(auth))),
                serving.key(),
                serving.chain(),
                new OpsRoutes(metrics, () -> true, () -> "", () -> "{}", () -> "{}")));
        channel = Channels.plaintext(server.port(IstiodServer.GRPC_XDS));
    }

    @AfterEach
    void stop() {
        Channels.close(channel);
        server.stop();
    }

    @Test
    void S3_1_wildcardGetsEverythingThenDeltasAndRemovals() throws Exception {
        source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "1"));
        source.put(TypeUrls.ADDRESS, Resources.workload("w2", "pod-2", "10.0.0.2", "1"));
        source.put(TypeUrls.AUTHORIZATION, Resources.policy("ns1", "allow", "1"));
        try (AdsClient client = new AdsClient(channel)) {
            client.wildcard(TypeUrls.ADDRESS);
            DeltaDiscoveryResponse first = client.next(TypeUrls.ADDRESS);
            assertThat(names(first)).containsExactlyInAnyOrder("w1", "w2");
            assertThat(first.getRemovedResourcesList()).isEmpty();
            assertThat(first.getNonce()).isNotEmpty();
            Resource r = first.getResources(0);
            assertThat(r.getResource().getTypeUrl()).isEqualTo(TypeUrls.ADDRESS);
            assertThat(r.getResource().unpack(Address.class).getWorkload().getUid())
                    .isEqualTo(r.getName());
            client.ack(first);

            client.wildcard(TypeUrls.AUTHORIZATION);
            DeltaDiscoveryResponse policies = client.next(TypeUrls.AUTHORIZATION);
            assertThat(names(policies)).containsExactly("ns1/allow");
            assertThat(policies.getResources(0).getResource().getTypeUrl()).isEqualTo(TypeUrls.AUTHORIZATION);
            client.ack(policies);

            // An update arrives as a delta holding only the changed resource (the ACKs above produced nothing).
            source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.11", "2"));
            DeltaDiscoveryResponse update = client.next();
            assertThat(update.getTypeUrl()).isEqualTo(TypeUrls.ADDRESS);
            assertThat(names(update)).containsExactly("w1");
            assertThat(update.getResources(0).getVersion()).isEqualTo("2");
            assertThat(update.getNonce()).isNotEqualTo(first.getNonce());
            client.ack(update);

            // A delete arrives as removed_resources.
            source.remove(TypeUrls.ADDRESS, "w2");
            DeltaDiscoveryResponse removal = client.next();
            assertThat(removal.getResourcesList()).isEmpty();
            assertThat(removal.getRemovedResourcesList()).containsExactly("w2");

            source.remove(TypeUrls.AUTHORIZATION, "ns1/allow");
            DeltaDiscoveryResponse policyRemoval = client.next();
            assertThat(policyRemoval.getTypeUrl()).isEqualTo(TypeUrls.AUTHORIZATION);
            assertThat(policyRemoval.getRemovedResourcesList()).containsExactly("ns1/allow");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(metrics.value("pilot_xds_pushes", "wds")).isEqualTo(3));
        assertThat(metrics.value("pilot_xds_pushes", "wads")).isEqualTo(2);
    }

    @Test
    void S3_1_reconnectWithInitialVersionsGetsOnlyTheDifference() throws Exception {
        source.put(
                TypeUrls.ADDRESS,
                Resources.workload("w1", "pod-1", "10.0.0.1", "1"),
                Resources.workload("w2", "pod-2", "10.0.0.2", "2"),
                Resources.workload("w3", "pod-3", "10.0.0.3", "1"));
        try (AdsClient client = new AdsClient(channel)) {
            client.wildcard(TypeUrls.ADDRESS, Map.of("w1", "1", "w2", "1", "gone", "7"));
            DeltaDiscoveryResponse r = client.next(TypeUrls.ADDRESS);
            assertThat(names(r)).containsExactlyInAnyOrder("w2", "w3");
            assertThat(r.getRemovedResourcesList()).containsExactly("gone");
            client.ack(r);
            // The server now believes the client holds w1@1: re-putting the same version pushes nothing, so the
            // next response is the one for w4.
            source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "1"));
            source.put(TypeUrls.ADDRESS, Resources.workload("w4", "pod-4", "10.0.0.4", "1"));
            assertThat(names(client.next())).containsExactly("w4");
        }
    }

    @Test
    void S3_1_nackIsCountedAndTheStreamKeepsServing() throws Exception {
        source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "1"));
        try (AdsClient client = new AdsClient(channel)) {
            client.wildcard(TypeUrls.ADDRESS);
            DeltaDiscoveryResponse first = client.next(TypeUrls.ADDRESS);
            client.nack(first, "bad workload w1");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(metrics.value("pilot_total_xds_rejects", "wds"))
                            .isEqualTo(1));
            // Nothing is resent for the NACK; the next response is the next real change.
            source.put(TypeUrls.ADDRESS, Resources.workload("w2", "pod-2", "10.0.0.2", "1"));
            DeltaDiscoveryResponse next = client.next();
            assertThat(names(next)).containsExactly("w2");
            client.ack(next);
            source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "2"));
            assertThat(names(client.next())).containsExactly("w1");
        }
        assertThat(metrics.scrape()).contains("pilot_total_xds_rejects{type=\"wds\"} 1");
    }

    @Test
    void S3_1_onDemandAddressSubscription() throws Exception {
        source.put(
                TypeUrls.ADDRESS,
                Resources.workload("w1", "pod-1", "10.0.0.1", "1"),
                Resources.workload("w2", "pod-2", "10.0.0.2", "1"));
        try (AdsClient client = new AdsClient(channel)) {
            // ztunnel's on-demand start: subscribe and unsubscribe "*" together = nothing yet.
            client.subscribe(TypeUrls.ADDRESS, List.of("*"), List.of("*"));
            DeltaDiscoveryResponse none = client.next(TypeUrls.ADDRESS);
            assertThat(none.getResourcesList()).isEmpty();
            assertThat(none.getRemovedResourcesList()).isEmpty();
            client.ack(none);

            client.subscribe(TypeUrls.ADDRESS, List.of("w1", "missing"), List.of());
            DeltaDiscoveryResponse got = client.next();
            assertThat(names(got)).containsExactly("w1");
            assertThat(got.getRemovedResourcesList()).containsExactly("missing");
            client.ack(got);

            // w2 is not subscribed: its change is not pushed; w1's is.
            source.put(TypeUrls.ADDRESS, Resources.workload("w2", "pod-2", "10.0.0.2", "2"));
            source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "2"));
            assertThat(names(client.next())).containsExactly("w1");

            // The name that did not exist shows up once it is created.
            source.put(TypeUrls.ADDRESS, Resources.workload("missing", "pod-m", "10.0.0.9", "1"));
            assertThat(names(client.next())).containsExactly("missing");
        }
    }

    @Test
    void S3_1_tlsWithBearerTokenServesTheSameResources() throws Exception {
        source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "1"));
        String token = api.tokens()
                .issue("istio-system", "ztunnel", "ztunnel-abcde", "uid-z", List.of("istio-ca"), Duration.ofHours(1));
        ManagedChannel tls = Channels.tls(server.port(IstiodServer.TLS_XDS), ca.rootPem(), Optional.of(token));
        try (AdsClient client = new AdsClient(tls)) {
            client.wildcard(TypeUrls.ADDRESS);
            assertThat(names(client.next(TypeUrls.ADDRESS))).containsExactly("w1");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(metrics.value("pilot_xds", "unknown")).isEqualTo(1));
            source.put(TypeUrls.ADDRESS, Resources.workload("w1", "pod-1", "10.0.0.1", "2"));
            assertThat(client.next().getResources(0).getVersion()).isEqualTo("2");
        } finally {
            Channels.close(tls);
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(metrics.value("pilot_xds", "unknown")).isZero());
    }

    @Test
    void S3_1_tlsPortRefusesAStreamWithoutToken() throws Exception {
        ManagedChannel tls = Channels.tls(server.port(IstiodServer.TLS_XDS), ca.rootPem(), Optional.empty());
        try (AdsClient client = new AdsClient(tls)) {
            client.wildcard(TypeUrls.ADDRESS);
            Status s = Status.fromThrowable(client.awaitEnd());
            assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(s.getDescription()).contains("no authorization metadata");
        } finally {
            Channels.close(tls);
        }
    }

    @Test
    void S3_1_nodeFromAnotherNamespaceThanTheTokenIsDenied() throws Exception {
        String token =
                api.tokens().issue("default", "sleep", "sleep-1", "uid-s", List.of("istio-ca"), Duration.ofHours(1));
        ManagedChannel tls = Channels.tls(server.port(IstiodServer.TLS_XDS), ca.rootPem(), Optional.of(token));
        try (AdsClient client = new AdsClient(tls)) {
            client.wildcard(TypeUrls.ADDRESS);
            Status s = Status.fromThrowable(client.awaitEnd());
            assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(s.getDescription()).contains("does not match proxy namespace istio-system");
        } finally {
            Channels.close(tls);
        }
    }

    @Test
    void S3_1_missingOrMalformedNodeIsInvalidArgument() throws Exception {
        try (AdsClient client = new AdsClient(channel)) {
            client.sendRaw(DeltaDiscoveryRequest.newBuilder()
                    .setTypeUrl(TypeUrls.ADDRESS)
                    .build());
            Status s = Status.fromThrowable(client.awaitEnd());
            assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(s.getDescription()).isEqualTo("missing node information");
        }
        try (AdsClient client = new AdsClient(channel)) {
            client.sendRaw(DeltaDiscoveryRequest.newBuilder()
                    .setTypeUrl(TypeUrls.ADDRESS)
                    .setNode(io.ambient4j.api.discovery.Node.newBuilder().setId("ztunnel~10.0.0.1"))
                    .build());
            Status s = Status.fromThrowable(client.awaitEnd());
            assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(s.getDescription()).contains("must have 4 parts");
        }
    }

    private static List<String> names(DeltaDiscoveryResponse r) {
        return r.getResourcesList().stream().map(Resource::getName).toList();
    }
}
