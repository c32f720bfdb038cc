package io.ambient4j.istiod.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.ambient4j.api.ca.IstioCertificateRequest;
import io.ambient4j.api.ca.IstioCertificateResponse;
import io.ambient4j.api.ca.IstioCertificateServiceGrpc;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.Pem;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.istiod.EmbeddedApiServer;
import io.ambient4j.istiod.Istiod;
import io.ambient4j.istiod.IstiodConfig;
import io.ambient4j.istiod.IstiodServer;
import io.ambient4j.istiod.testing.Channels;
import io.ambient4j.istiod.testing.TestSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CA on 15012 against the CRUD mock API server (spec §4): own identity, impersonation by the node proxy
 * for a pod on its node only, CSR validation, bearer-token failures, and the issued chain verifying against
 * the root published in ConfigMap istio-ca-root-cert.
 */
class CaServerTest {
    private static EmbeddedApiServer api;
    private static KubernetesClient kube;
    private static Istiod istiod;
    private static String ztunnelUid;

    @BeforeAll
    static void start() {
        api = EmbeddedApiServer.start();
        kube = api.client();
        for (String ns : List.of("istio-system", "app")) {
            kube.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .endMetadata()
                            .build())
                    .create();
        }
        ztunnelUid = pod("istio-system", "ztunnel-n1", "ztunnel", "n1", "Running")
                .getMetadata()
                .getUid();
        pod("app", "a-1", "a", "n1", "Running");
        pod("app", "b-1", "b", "n2", "Running");
        pod("app", "c-1", "c", "n1", "Failed");
        istiod = Istiod.start(
                IstiodConfig.defaults().onEphemeralLoopbackPorts(),
                kube,
                new Istiod.Index(new TestSource(), () -> true, () -> "{}", () -> {}));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/ready", IstiodServer.HTTP_DEBUG).statusCode() == 200);
    }

    private static HttpResponse<String> get(String path, String socket) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + istiod.port(socket) + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @AfterAll
    static void stop() {
        istiod.close();
        api.close();
    }

    private static Pod pod(String ns, String name, String sa, String node, String phase) {
        Pod p = kube.pods()
                .inNamespace(ns)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .withUid(ns + "-" + name + "-uid")
                        .endMetadata()
                        .withNewSpec()
                        .withServiceAccountName(sa)
                        .withNodeName(node)
                        .endSpec()
                        .withNewStatus()
                        .withPhase(phase)
                        .endStatus()
                        .build())
                .create();
        return p;
    }

    private static String ztunnelToken() {
        return api.tokens()
                .issue("istio-system", "ztunnel", "ztunnel-n1", ztunnelUid, List.of("istio-ca"), Duration.ofHours(1));
    }

    private static IstioCertificateResponse request(Optional<String> token, String csr, String impersonate) {
        ManagedChannel ch =
                Channels.tls(istiod.port(IstiodServer.TLS_XDS), istiod.ca().rootPem(), token);
        try {
            IstioCertificateRequest.Builder req =
                    IstioCertificateRequest.newBuilder().setCsr(csr).setValidityDuration(86400);
            if (!impersonate.isEmpty()) {
                req.setMetadata(Struct.newBuilder()
                        .putFields(
                                "ImpersonatedIdentity",
                                Value.newBuilder().setStringValue(impersonate).build()));
            }
            return IstioCertificateServiceGrpc.newBlockingStub(ch).createCertificate(req.build());
        } finally {
            Channels.close(ch);
        }
    }

    private static String csrFor(String ns, String sa) {
        return Csr.create(SpiffeId.of("cluster.local", ns, sa)).csrPem();
    }

    private static List<X509Certificate> decode(IstioCertificateResponse r) {
        List<X509Certificate> out = new ArrayList<>();
        r.getCertChainList().forEach(pem -> out.addAll(Pem.decodeCertificates(pem)));
        return out;
    }

    private static String publishedRoot(String ns) {
        ConfigMap cm = kube.configMaps()
                .inNamespace(ns)
                .withName(RootCertPublisher.CONFIG_MAP)
                .get();
        return cm.getData().get(RootCertPublisher.ROOT_CERT_KEY);
    }

    private static void verify(List<X509Certificate> chain, String rootPem) throws Exception {
        Set<TrustAnchor> anchors = new java.util.HashSet<>();
        Pem.decodeCertificates(rootPem).forEach(c -> anchors.add(new TrustAnchor(c, null)));
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        // The path excludes the root(s): leaf first up to the last non-root certificate.
        List<X509Certificate> path = chain.subList(0, chain.size() - 1);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    }

    private static String uriSan(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream()
                .filter(l -> (Integer) l.get(0) == 6)
                .map(l -> (String) l.get(1))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void S4_nodeProxyGetsACertificateForAPodOnItsNode() throws Exception {
        SpiffeId wanted = SpiffeId.of("cluster.local", "app", "a");
        Csr.KeyAndCsr keyAndCsr = Csr.create(wanted);
        IstioCertificateResponse r = request(Optional.of(ztunnelToken()), keyAndCsr.csrPem(), wanted.uri());
        // ztunnel's own checks on the answer: identity, key pair, chain up to the roots in the last element.
        assertThat(WorkloadCertificate.fromCaResponse(keyAndCsr.key(), r.getCertChainList(), wanted)
                        .identity())
                .isEqualTo(wanted);
        List<X509Certificate> chain = decode(r);
        assertThat(uriSan(chain.getFirst())).isEqualTo("spiffe://cluster.local/ns/app/sa/a");
        // Leaf first, root last; and the chain verifies against the root every namespace was given.
        assertThat(chain.getLast()).isEqualTo(istiod.ca().root());
        verify(chain, publishedRoot("app"));
        assertThat(istiod.metrics().value("citadel_server_success_cert_issuance_count"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void S4_nodeProxyIsRefusedForAPodOnAnotherNode() {
        double before = istiod.metrics().value("citadel_server_authentication_failure_count");
        assertThatThrownBy(() ->
                        request(Optional.of(ztunnelToken()), csrFor("app", "b"), "spiffe://cluster.local/ns/app/sa/b"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("request impersonation authentication failure");
                });
        assertThat(istiod.metrics().value("citadel_server_authentication_failure_count"))
                .isEqualTo(before + 1);
    }

    @Test
    void S4_failedPodsDoNotCountAndUntrustedCallersCannotImpersonate() {
        assertThatThrownBy(() ->
                        request(Optional.of(ztunnelToken()), csrFor("app", "c"), "spiffe://cluster.local/ns/app/sa/c"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        String appToken =
                api.tokens().issue("app", "a", "a-1", "app-a-1-uid", List.of("istio-ca"), Duration.ofHours(1));
        assertThatThrownBy(() -> request(
                        Optional.of(appToken), csrFor("app", "a"), "spiffe://cluster.local/ns/istio-system/sa/ztunnel"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("request impersonation authentication failure");
                });
    }

    @Test
    void S4_withoutImpersonationTheSanIsTheCallersOwnIdentity() throws Exception {
        String appToken =
                api.tokens().issue("app", "a", "a-1", "app-a-1-uid", List.of("istio-ca"), Duration.ofHours(1));
        // The CSR asks for another identity; the SAN is still the caller's.
        IstioCertificateResponse r = request(Optional.of(appToken), csrFor("app", "b"), "");
        assertThat(uriSan(decode(r).getFirst())).isEqualTo("spiffe://cluster.local/ns/app/sa/a");
    }

    @Test
    void S4_badCsrsAreInvalidArgument() {
        String token = ztunnelToken();
        assertThatThrownBy(() -> request(Optional.of(token), "x".repeat(Csr.MAX_PEM_LENGTH + 1), ""))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("more than the limit of 65536");
                });
        assertThatThrownBy(() -> request(
                        Optional.of(token),
                        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                        ""))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("CSR refused (");
                });
        assertThatThrownBy(() -> request(Optional.of(token), "", ""))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).isEqualTo("the request carries no CSR"));
    }

    @Test
    void S4_absentWrongAudienceAndExpiredTokensAreUnauthenticated() {
        String csr = csrFor("istio-system", "ztunnel");
        String wrongAudience = api.tokens()
                .issue("istio-system", "ztunnel", "ztunnel-n1", ztunnelUid, List.of("other"), Duration.ofHours(1));
        String expired = api.tokens()
                .issue(
                        "istio-system",
                        "ztunnel",
                        "ztunnel-n1",
                        ztunnelUid,
                        List.of("istio-ca"),
                        Duration.ofSeconds(-5));
        record Case(Optional<String> token, String message) {}
        for (Case c : List.of(
                new Case(Optional.empty(), "no authorization metadata"),
                new Case(Optional.of(wrongAudience), "is invalid for the target audiences [istio-ca]"),
                new Case(Optional.of(expired), "token has expired"),
                new Case(Optional.of("not-a-jwt"), "invalid bearer token"))) {
            assertThatThrownBy(() -> request(c.token(), csr, ""))
                    .as("token %s", c.token())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains(c.message());
                    });
        }
    }

    @Test
    void S4_rootCertConfigMapIsRecreatedAfterDeletionAndRepairedAfterEdit() {
        String root = istiod.ca().rootPem();
        await().atMost(Duration.ofSeconds(20)).until(() -> root.equals(publishedRoot("app")));
        kube.configMaps()
                .inNamespace("app")
                .withName(RootCertPublisher.CONFIG_MAP)
                .delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ConfigMap cm = kube.configMaps()
                    .inNamespace("app")
                    .withName(RootCertPublisher.CONFIG_MAP)
                    .get();
            return cm != null && root.equals(cm.getData().get(RootCertPublisher.ROOT_CERT_KEY));
        });
        kube.configMaps()
                .inNamespace("app")
                .withName(RootCertPublisher.CONFIG_MAP)
                .edit(cm -> {
                    cm.getData().put(RootCertPublisher.ROOT_CERT_KEY, "tampered");
                    return cm;
                });
        await().atMost(Duration.ofSeconds(20)).until(() -> root.equals(publishedRoot("app")));
        // A namespace created later gets it too.
        kube.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("late")
                        .endMetadata()
                        .build())
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> kube.configMaps()
                                        .inNamespace("late")
                                        .withName(RootCertPublisher.CONFIG_MAP)
                                        .get()
                                != null
                        && root.equals(publishedRoot("late")));
    }

    @Test
    void S1_2_metricsReadyAndDebugEndpoints() throws Exception {
        request(Optional.of(ztunnelToken()), csrFor("app", "a"), "spiffe://cluster.local/ns/app/sa/a");
        HttpResponse<String> metrics = get("/metrics", IstiodServer.HTTP_MONITORING);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body())
                .contains("# TYPE citadel_server_csr_count counter")
                .containsPattern("(?m)^citadel_server_success_cert_issuance_count [1-9]")
                .contains("citadel_server_root_cert_expiry_timestamp ")
                .contains("# TYPE pilot_xds gauge");
        assertThat(get("/ready", IstiodServer.HTTP_DEBUG).body()).isEqualTo("ready\n");
        assertThat(get("/debug/ambient", IstiodServer.HTTP_DEBUG).body()).isEqualTo("{}");
        assertThat(get("/debug/connections", IstiodServer.HTTP_DEBUG).body()).startsWith("{\"connections\":[");
    }
}
