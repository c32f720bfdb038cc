package io.ambient4j.ztunnel.xds;

import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.workload.Address;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.testing.ServerTls;
import io.grpc.Metadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delta ADS client against an in-test istiod over TLS: subscribe, ACK, NACK by name, removal, reconnect. */
class XdsClientTest {
    private static final String POD_A = "Kubernetes//Pod/ns/a";
    private static final String POD_B = "Kubernetes//Pod/ns/other";
    private static final String SVC = "ns/svc.ns.svc.cluster.local";
    /** Pings this often, so a connection istiod dropped is noticed within the test's waits (production: 30 s). */
    private static final Duration HEARTBEAT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private FakeIstiod istiod;
    private IstiodChannel channel;
    private XdsClient client;
    private final StateUpdater state = new StateUpdater();

    private ServerTls tls;

    @BeforeEach
    void start() throws Exception {
        tls = ServerTls.create(dir);
        istiod = new FakeIstiod(tls);
        startClient("https://localhost:" + istiod.port(), tls.rootPem.toString(), Map.of());
    }

    private void startClient(String address, String root, Map<String, String> more) throws Exception {
        startClient(address, root, more, XdsChannels.MAX_MESSAGE);
    }

    private void startClient(String address, String root, Map<String, String> more, long maxInbound) throws Exception {
        if (client != null) {
            client.close();
            channel.close();
        }
        Path token = Files.writeString(dir.resolve("istio-token"), "header.payload.sig\n");
        Map<String, String> env = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("XDS_ADDRESS", address),
                Map.entry("XDS_ROOT_CA", root),
                Map.entry("AUTH_TOKEN", token.toString()),
                Map.entry("CLUSTER_ID", "cluster-7"),
                Map.entry("POD_NAME", "ztunnel-x1"),
                Map.entry("POD_NAMESPACE", "istio-system"),
                Map.entry("INSTANCE_IP", "10.244.0.5"),
                Map.entry("NODE_NAME", "node-1"),
                Map.entry("ISTIO_META_DNS_CAPTURE", "true"),
                Map.entry("ISTIO_METAJSON_LABELS", "{\"app\":\"ztunnel\",\"replicas\":2}"),
                Map.entry("XDS_HEADER_X-Tenant", "blue")));
        env.putAll(more);
        Config cfg = Config.fromEnv(env);
        channel = XdsChannels.build(
                cfg.xdsAddress(),
                cfg.xdsRootCa(),
                cfg.altXdsHostname(),
                cfg.authToken(),
                cfg.clusterId(),
                cfg.xdsHeaders(),
                maxInbound,
                HEARTBEAT);
        client = new XdsClient(channel.channel(), XdsNode.build(cfg), state, cfg.xdsOnDemand());
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        channel.close();
        istiod.close();
    }

    private static Resource res(String name, String version, com.google.protobuf.Message m) {
        return Resource.newBuilder()
                .setName(name)
                .setVersion(version)
                .setResource(Any.pack(m))
                .build();
    }

    private static Address wl(String name, String ip) {
        return Address.newBuilder().setWorkload(pod("ns", name, ip)).build();
    }

    private static DeltaDiscoveryResponse.Builder push(String type, String nonce) {
        return DeltaDiscoveryResponse.newBuilder().setTypeUrl(type).setNonce(nonce);
    }

    /** Reads the two initial requests of a stream, keyed by type. */
    private static Map<String, DeltaDiscoveryRequest> initial(FakeIstiod.Stream s) throws InterruptedException {
        DeltaDiscoveryRequest a = s.nextRequest();
        DeltaDiscoveryRequest b = s.nextRequest();
        return Map.of(a.getTypeUrl(), a, b.getTypeUrl(), b);
    }

    @Test
    void subscribesWildcardWithNodeTokenAndClusterId() throws Exception {
        FakeIstiod.Stream s = istiod.nextStream();
        assertThat(s.headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("Bearer header.payload.sig");
        assertThat(s.headers.get(Metadata.Key.of("clusterid", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("cluster-7");
        assertThat(s.headers.get(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("blue");

        Map<String, DeltaDiscoveryRequest> init = initial(s);
        assertThat(init).containsOnlyKeys(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION);
        for (DeltaDiscoveryRequest r : init.values()) {
            assertThat(r.getResourceNamesSubscribeList()).isEmpty();
            assertThat(r.getInitialResourceVersionsMap()).isEmpty();
            assertThat(r.getNode().getId())
                    .isEqualTo("ztunnel~10.244.0.5~ztunnel-x1.istio-system~istio-system.svc.cluster.local");
            var md = r.getNode().getMetadata().getFieldsMap();
            assertThat(md.get("NAME").getStringValue()).isEqualTo("ztunnel-x1");
            assertThat(md.get("NAMESPACE").getStringValue()).isEqualTo("istio-system");
            assertThat(md.get("INSTANCE_IPS").getStringValue()).isEqualTo("10.244.0.5");
            assertThat(md.get("NODE_NAME").getStringValue()).isEqualTo("node-1");
            assertThat(md.get("DNS_CAPTURE").getStringValue()).isEqualTo("true");
            assertThat(md.get("LABELS")
                            .getStructValue()
                            .getFieldsMap()
                            .get("app")
                            .getStringValue())
                    .isEqualTo("ztunnel");
            assertThat(md.get("LABELS")
                            .getStructValue()
                            .getFieldsMap()
                            .get("replicas")
                            .getNumberValue())
                    .isEqualTo(2.0);
        }
        assertThat(client.isSynced()).isFalse();
    }

    @Test
    void altHostnameIsTheTlsNameExpectedFromIstiod() throws Exception {
        istiod.nextStream(); // the default client's stream
        // The certificate has no IP SAN: dialling the IP only verifies with the alternative name.
        startClient("https://127.0.0.1:" + istiod.port(), tls.rootPem.toString(), Map.of());
        assertThat(istiod.pollStream(Duration.ofSeconds(2))).isNull();
        startClient(
                "https://127.0.0.1:" + istiod.port(),
                tls.rootPem.toString(),
                Map.of("ALT_XDS_HOSTNAME", "istiod.istio-system.svc"));
        FakeIstiod.Stream s = istiod.nextStream();
        assertThat(initial(s)).containsOnlyKeys(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION);
    }

    @Test
    void istiodWithACertificateFromAnotherRootIsRefused() throws Exception {
        istiod.nextStream(); // the default client's stream
        Path otherDir = Files.createDirectory(dir.resolve("other"));
        ServerTls other = ServerTls.create(otherDir);
        startClient("https://localhost:" + istiod.port(), other.rootPem.toString(), Map.of());
        assertThat(istiod.pollStream(Duration.ofSeconds(2)))
                .as("no stream may pass an unverified handshake")
                .isNull();
        assertThat(client.isSynced()).isFalse();
        assertThat(client.lastError())
                .startsWith("io.grpc.StatusRuntimeException: UNAVAILABLE: ")
                .contains("istiod's certificate (CN=istiod) is not trusted by the root " + other.rootPem);
    }

    @Test
    void istiodReachedByIpWithoutTheAltHostnameSaysWhichNameWasExpected() throws Exception {
        istiod.nextStream(); // the default client's stream
        startClient("https://127.0.0.1:" + istiod.port(), tls.rootPem.toString(), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.lastError() != null);
        assertThat(client.lastError())
                .contains("istiod's certificate names [localhost, istiod.istio-system.svc], not 127.0.0.1");
    }

    @Test
    void inlinePemRootVerifiesIstiod() throws Exception {
        istiod.nextStream(); // the default client's stream
        startClient("https://localhost:" + istiod.port(), Files.readString(tls.rootPem), Map.of());
        assertThat(initial(istiod.nextStream())).containsOnlyKeys(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION);
    }

    @Test
    void systemRootsDoNotTrustAPrivateIstiod() throws Exception {
        istiod.nextStream(); // the default client's stream
        startClient("https://localhost:" + istiod.port(), "SYSTEM", Map.of());
        assertThat(istiod.pollStream(Duration.ofSeconds(2))).isNull();
        assertThat(client.lastError()).contains("is not trusted by the root SYSTEM");
    }

    @Test
    void plaintextHttpAddressSpeaksH2cWithTheSameHeaders() throws Exception {
        istiod.nextStream(); // the default client's stream
        try (FakeIstiod plain = new FakeIstiod(null, 0)) {
            startClient("http://127.0.0.1:" + plain.port(), tls.rootPem.toString(), Map.of());
            FakeIstiod.Stream s = plain.nextStream();
            assertThat(s.headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
                    .isEqualTo("Bearer header.payload.sig");
            assertThat(initial(s)).containsOnlyKeys(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION);
            client.close();
            channel.close();
        }
    }

    @Test
    void reconnectsWhenIstiodGoesAwayAndComesBackOnTheSamePort() throws Exception {
        FakeIstiod.Stream first = istiod.nextStream();
        initial(first);
        first.send(push(TypeUrls.ADDRESS, "n1")
                .addResources(res(POD_A, "v4", wl("a", "10.0.0.1")))
                .build());
        assertThat(first.nextRequest().getResponseNonce()).isEqualTo("n1");
        int port = istiod.port();
        istiod.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.lastError() != null);
        istiod = new FakeIstiod(tls, port);
        FakeIstiod.Stream second = istiod.nextStream();
        Map<String, DeltaDiscoveryRequest> init = initial(second);
        assertThat(init.get(TypeUrls.ADDRESS).getInitialResourceVersionsMap()).isEqualTo(Map.of(POD_A, "v4"));
        assertThat(second.headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("Bearer header.payload.sig");
        assertThat(state.current().workload(POD_A)).isPresent();
        second.send(push(TypeUrls.ADDRESS, "n2").addRemovedResources(POD_A).build());
        assertThat(second.nextRequest().getResponseNonce()).isEqualTo("n2");
        assertThat(state.current().workload(POD_A)).isEmpty();
    }

    @Test
    void responseAboveTheSizeLimitEndsTheStreamUnappliedAndReconnects() throws Exception {
        istiod.nextStream(); // the default client's stream
        startClient("https://localhost:" + istiod.port(), tls.rootPem.toString(), Map.of(), 2048);
        FakeIstiod.Stream s = istiod.nextStream();
        initial(s);
        Address big = Address.newBuilder()
                .setWorkload(pod("ns", "a", "10.0.0.1").setServiceAccount("x".repeat(4096)))
                .build();
        s.send(push(TypeUrls.ADDRESS, "n1").addResources(res(POD_A, "v1", big)).build());
        FakeIstiod.Stream again = istiod.nextStream();
        assertThat(client.lastError()).contains("larger than the limit of 2048 bytes");
        assertThat(state.current().workload(POD_A)).isEmpty();
        assertThat(initial(again).get(TypeUrls.ADDRESS).getInitialResourceVersionsMap())
                .isEmpty();
        assertThat(s.requests).as("no ACK for a message that was never parsed").isEmpty();
    }

    @Test
    void largePushSpanningManyHttp2FramesIsAppliedWhole() throws Exception {
        FakeIstiod.Stream s = istiod.nextStream();
        initial(s);
        DeltaDiscoveryResponse.Builder big = push(TypeUrls.ADDRESS, "big");
        for (int i = 0; i < 3000; i++) {
            String ip = "10.1." + (i / 250) + "." + (i % 250 + 1);
            big.addResources(res("Kubernetes//Pod/ns/w" + i, "v1", wl("w" + i, ip)));
        }
        DeltaDiscoveryResponse r = big.build();
        assertThat(r.getSerializedSize()).as("well over HTTP/2's 16 KiB frames").isGreaterThan(256 * 1024);
        s.send(r);
        DeltaDiscoveryRequest ack = s.nextRequest();
        assertThat(ack.getResponseNonce()).isEqualTo("big");
        assertThat(ack.hasErrorDetail()).isFalse();
        assertThat(client.knownVersions().get(TypeUrls.ADDRESS)).hasSize(3000);
        assertThat(state.current().workload("Kubernetes//Pod/ns/w2999")).isPresent();
        // and the stream keeps working after it
        s.send(push(TypeUrls.ADDRESS, "small")
                .addRemovedResources("Kubernetes//Pod/ns/w0")
                .build());
        assertThat(s.nextRequest().getResponseNonce()).isEqualTo("small");
        assertThat(state.current().workload("Kubernetes//Pod/ns/w0")).isEmpty();
    }

    @Test
    void closingTheChannelEndsTheStreamAndRefusesNewCalls() throws Exception {
        initial(istiod.nextStream());
        assertThat(channel.liveCalls()).isEqualTo(1);
        channel.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> channel.liveCalls() == 0);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.lastError() != null && client.lastError().contains("closed"));
        assertThat(istiod.pollStream(Duration.ofMillis(500))).isNull();
    }

    @Test
    void serverCompletingTheStreamIsAnsweredByAReconnect() throws Exception {
        FakeIstiod.Stream first = istiod.nextStream();
        initial(first);
        first.complete();
        FakeIstiod.Stream second = istiod.nextStream();
        assertThat(initial(second)).containsOnlyKeys(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION);
    }

    @Test
    void onDemandStartsSubscribedToNothingAndFetchesSingleNames() throws Exception {
        istiod.nextStream(); // the default client's stream
        startClient(
                "https://localhost:" + istiod.port(),
                tls.rootPem.toString(),
                Map.of("XDS_ON_DEMAND", "true", "ISTIO_META_DNS_CAPTURE", "false"));
        FakeIstiod.Stream s = istiod.nextStream();
        Map<String, DeltaDiscoveryRequest> init = initial(s);
        assertThat(init.get(TypeUrls.ADDRESS).getResourceNamesSubscribeList()).containsExactly("*");
        assertThat(init.get(TypeUrls.ADDRESS).getResourceNamesUnsubscribeList()).containsExactly("*");
        assertThat(init.get(TypeUrls.AUTHORIZATION).getResourceNamesSubscribeList())
                .isEmpty();

        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                answered.set(client.fetchOnDemand("/10.0.0.1", Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DeltaDiscoveryRequest demand = s.nextRequest();
        assertThat(demand.getTypeUrl()).isEqualTo(TypeUrls.ADDRESS);
        assertThat(demand.getResourceNamesSubscribeList()).containsExactly("/10.0.0.1");
        s.send(push(TypeUrls.ADDRESS, "d1")
                .addResources(res(POD_A, "v1", wl("a", "10.0.0.1")).toBuilder().addAliases("/10.0.0.1"))
                .build());
        caller.join(Duration.ofSeconds(10));
        assertThat(answered.get()).isTrue();
        assertThat(state.current().workload(POD_A)).isPresent();
        assertThat(s.nextRequest().getResponseNonce()).isEqualTo("d1");
    }

    @Test
    void withoutOnDemandFetchReturnsAtOnce() throws Exception {
        assertThat(client.fetchOnDemand("/10.0.0.1", Duration.ofSeconds(5))).isFalse();
    }

    @Test
    void backoffDoublesFrom10msUpTo15s() {
        Duration d = XdsClient.INITIAL_BACKOFF;
        assertThat(d).isEqualTo(Duration.ofMillis(10));
        java.util.List<Duration> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 14; i++) {
            d = XdsClient.nextBackoff(d);
            seen.add(d);
        }
        assertThat(seen.getFirst()).isEqualTo(Duration.ofMillis(20));
        assertThat(seen.get(9)).isEqualTo(Duration.ofMillis(10240));
        assertThat(seen.get(10)).isEqualTo(Duration.ofSeconds(15));
        assertThat(seen.getLast()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void appliesAcksAndBecomesSyncedAfterBothTypes() throws Exception {
        FakeIstiod.Stream s = istiod.nextStream();
        initial(s);
        s.send(push(TypeUrls.ADDRESS, "n1")
                .addResources(res(POD_A, "v1", wl("a", "10.0.0.1")))
                .addResources(res(
                        SVC,
                        "v1",
                        Address.newBuilder()
                                .setService(service("ns", "svc", "10.96.0.1", 80, 8080))
                                .build()))
                .build());
        DeltaDiscoveryRequest ack = s.nextRequest();
        assertThat(ack.getTypeUrl()).isEqualTo(TypeUrls.ADDRESS);
        assertThat(ack.getResponseNonce()).isEqualTo("n1");
        assertThat(ack.hasErrorDetail()).isFalse();
        assertThat(state.current().workload(POD_A)).isPresent();
        assertThat(state.current().service(SVC)).isPresent();
        assertThat(client.isSynced()).isFalse();

        s.send(push(TypeUrls.AUTHORIZATION, "n2")
                .addResources(res(
                        "ns/p",
                        "v1",
                        Authorization.newBuilder()
                                .setNamespace("ns")
                                .setName("p")
                                .setScope(Scope.NAMESPACE)
                                .setAction(Action.DENY)
                                .build()))
                .build());
        assertThat(s.nextRequest().getResponseNonce()).isEqualTo("n2");
        assertThat(client.awaitSynced(Duration.ofSeconds(5))).isTrue();
        assertThat(state.current().policy("ns/p")).isPresent();
    }

    @Test
    void nacksTheBadResourceByNameAndAppliesTheRest() throws Exception {
        FakeIstiod.Stream s = istiod.nextStream();
        initial(s);
        Address badIp = Address.newBuilder()
                .setWorkload(pod("ns", "bad", "10.0.0.9").addAddresses(ByteString.copyFrom(new byte[] {1, 2, 3})))
                .build();
        Resource wrongType = Resource.newBuilder()
                .setName("ns/mistyped")
                .setVersion("v1")
                .setResource(Any.pack(Authorization.getDefaultInstance()))
                .build();
        s.send(push(TypeUrls.ADDRESS, "n1")
                .addResources(res(POD_A, "v1", wl("a", "10.0.0.1")))
                .addResources(res("Kubernetes//Pod/ns/bad", "v1", badIp))
                .addResources(wrongType)
                .addResources(res(POD_B, "v1", wl("other", "10.0.0.2")))
                .build());
        DeltaDiscoveryRequest nack = s.nextRequest();
        assertThat(nack.getResponseNonce()).isEqualTo("n1");
        assertThat(nack.hasErrorDetail()).isTrue();
        assertThat(nack.getErrorDetail().getMessage())
                .isEqualTo("Kubernetes//Pod/ns/bad: INVALID_ADDRESS: IP address must be 4 or 16 bytes, got 3; "
                        + "ns/mistyped: UNDECODABLE: resource is type.googleapis.com/istio.security.Authorization")
                .doesNotContain(POD_A)
                .doesNotContain(POD_B);
        assertThat(state.current().workload(POD_A)).isPresent();
        assertThat(state.current().workload(POD_B)).isPresent();
        assertThat(state.current().workload("Kubernetes//Pod/ns/bad")).isEmpty();
        assertThat(client.knownVersions().get(TypeUrls.ADDRESS)).containsOnlyKeys(POD_A, POD_B);
    }

    @Test
    void removedResourcesLeaveTheState() throws Exception {
        FakeIstiod.Stream s = istiod.nextStream();
        initial(s);
        s.send(push(TypeUrls.ADDRESS, "n1")
                .addResources(res(POD_A, "v1", wl("a", "10.0.0.1")))
                .addResources(res(POD_B, "v1", wl("other", "10.0.0.2")))
                .build());
        s.nextRequest();
        s.send(push(TypeUrls.ADDRESS, "n2").addRemovedResources(POD_A).build());
        DeltaDiscoveryRequest ack = s.nextRequest();
        assertThat(ack.getResponseNonce()).isEqualTo("n2");
        assertThat(state.current().workload(POD_A)).isEmpty();
        assertThat(state.current().workload(POD_B)).isPresent();
        assertThat(client.knownVersions().get(TypeUrls.ADDRESS)).containsOnlyKeys(POD_B);
    }

    @Test
    void reconnectsKeepingStateAndSendsInitialResourceVersions() throws Exception {
        FakeIstiod.Stream first = istiod.nextStream();
        initial(first);
        first.send(push(TypeUrls.ADDRESS, "n1")
                .addResources(res(POD_A, "v7", wl("a", "10.0.0.1")))
                .addResources(res("Kubernetes//Pod/ns/bad", "v1", Address.getDefaultInstance()))
                .build());
        first.nextRequest();
        first.send(push(TypeUrls.AUTHORIZATION, "n2")
                .addResources(res(
                        "ns/p",
                        "v3",
                        Authorization.newBuilder()
                                .setNamespace("ns")
                                .setName("p")
                                .build()))
                .build());
        first.nextRequest();
        assertThat(client.awaitSynced(Duration.ofSeconds(5))).isTrue();

        first.fail();
        FakeIstiod.Stream second = istiod.nextStream();
        // The last good state stays in force while disconnected and reconnecting.
        assertThat(state.current().workload(POD_A)).isPresent();
        assertThat(client.isSynced()).isTrue();
        Map<String, DeltaDiscoveryRequest> init = initial(second);
        assertThat(init.get(TypeUrls.ADDRESS).getInitialResourceVersionsMap()).isEqualTo(Map.of(POD_A, "v7"));
        assertThat(init.get(TypeUrls.AUTHORIZATION).getInitialResourceVersionsMap())
                .isEqualTo(Map.of("ns/p", "v3"));
        assertThat(second.headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("Bearer header.payload.sig");
        await().atMost(Duration.ofSeconds(5)).until(() -> client.connections() == 2);

        // The new stream keeps working: a removal the server computed from the initial versions applies.
        second.send(push(TypeUrls.ADDRESS, "n3").addRemovedResources(POD_A).build());
        assertThat(second.nextRequest().getResponseNonce()).isEqualTo("n3");
        assertThat(state.current().workload(POD_A)).isEmpty();
    }
}
