package io.ambient4j.istiod.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.istiod.IstiodConfig;
import io.ambient4j.istiod.IstiodServer;
import io.ambient4j.istiod.Main;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook as the API server calls it: istiod started through {@link Main} (embedded API server), real
 * HTTPS POSTs of AdmissionReview v1 JSON to {@code /validate} on the webhook port, trusting only the mesh
 * root, as the caBundle istiod patches into the ValidatingWebhookConfiguration would.
 */
class ValidationWebhookHttpsTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static Main.Running running;
    private static HttpClient http;
    private static URI validate;

    @BeforeAll
    static void start() throws Exception {
        running = Main.run(
                IstiodConfig.parse(new String[] {"--embedded"}, Map.of()).onEphemeralLoopbackPorts());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("mesh-root", running.istiod().ca().root());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).build();
        validate = URI.create(
                "https://localhost:" + running.istiod().port(IstiodServer.HTTPS_WEBHOOKS) + ValidationWebhook.PATH);
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (running != null) {
            running.close();
        }
    }

    private static String review(String uid, String group, String kind, String operation, String spec) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
                + "\"uid\":\"" + uid + "\",\"kind\":{\"group\":\"" + group + "\",\"version\":\"v1\",\"kind\":\"" + kind
                + "\"},\"resource\":{\"group\":\"" + group + "\",\"version\":\"v1\",\"resource\":\""
                + kind.toLowerCase(java.util.Locale.ROOT) + "s\"},\"name\":\"x\",\"namespace\":\"app\","
                + "\"operation\":\"" + operation + "\",\"userInfo\":{\"username\":\"admin\"},"
                + "\"object\":{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"" + kind
                + "\",\"metadata\":{\"name\":\"x\",\"namespace\":\"app\"},\"spec\":" + spec + "}}}";
    }

    private static HttpResponse<String> post(String body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(validate)
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void validAuthorizationPolicyIsAllowedOverHttps() throws Exception {
        HttpResponse<String> res = post(
                review(
                        "uid-allow",
                        "security.istio.io",
                        "AuthorizationPolicy",
                        "CREATE",
                        "{\"action\":\"DENY\",\"rules\":[{\"from\":[{\"source\":{\"principals\":"
                                + "[\"cluster.local/ns/app/sa/client\"]}}],\"to\":[{\"operation\":{\"ports\":[\"8080\"]}}]}]}"),
                "application/json");
        assertThat(res.statusCode()).isEqualTo(200);
        AdmissionReview out = JSON.unmarshal(res.body(), AdmissionReview.class);
        assertThat(out.getApiVersion()).isEqualTo("admission.k8s.io/v1");
        assertThat(out.getKind()).isEqualTo("AdmissionReview");
        assertThat(out.getResponse().getUid()).isEqualTo("uid-allow");
        assertThat(out.getResponse().getAllowed()).isTrue();

        // The certificate the API server sees names the istiod Service, signed by the mesh root.
        X509Certificate leaf = (X509Certificate) res.sslSession().orElseThrow().getPeerCertificates()[0];
        List<String> sans = new ArrayList<>();
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
            sans.add(String.valueOf(san.get(1)));
        }
        assertThat(sans).contains("istiod.istio-system.svc", "istiod.istio-system.svc.cluster.local");
        assertThat(leaf.getIssuerX500Principal())
                .isEqualTo(running.istiod().ca().caCert().getSubjectX500Principal());
    }

    @Test
    void invalidAuthorizationPolicyIsDeniedWithFieldMessage() throws Exception {
        HttpResponse<String> res = post(
                review(
                        "uid-deny",
                        "security.istio.io",
                        "AuthorizationPolicy",
                        "CREATE",
                        "{\"action\":\"ALLOW\",\"rules\":[{\"to\":[{\"operation\":{\"ports\":[\"99999\"]}}]}]}"),
                "application/json");
        assertThat(res.statusCode()).isEqualTo(200);
        AdmissionReview out = JSON.unmarshal(res.body(), AdmissionReview.class);
        assertThat(out.getResponse().getUid()).isEqualTo("uid-deny");
        assertThat(out.getResponse().getAllowed()).isFalse();
        assertThat(out.getResponse().getStatus().getMessage())
                .isEqualTo("configuration is invalid: spec.rules[0].to[0].operation.ports[0]: "
                        + "port '99999' is not a number in 0-65535");
        assertThat(running.istiod()
                        .metrics()
                        .value(
                                "galley_validation_failed",
                                "security.istio.io",
                                "v1",
                                "authorizationpolicys",
                                "invalid_resource"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void C001_emptyNetworkingGatewayIsRejectedSoValidationIsLive() throws Exception {
        HttpResponse<String> res =
                post(review("uid-gw", "networking.istio.io", "Gateway", "CREATE", "{}"), "application/json");
        AdmissionReview out = JSON.unmarshal(res.body(), AdmissionReview.class);
        assertThat(out.getResponse().getAllowed()).isFalse();
        assertThat(out.getResponse().getStatus().getMessage()).contains("spec.servers");
    }

    @Test
    void peerAuthenticationPortLevelWithoutSelectorIsDenied() throws Exception {
        HttpResponse<String> res = post(
                review(
                        "uid-pa",
                        "security.istio.io",
                        "PeerAuthentication",
                        "UPDATE",
                        "{\"portLevelMtls\":{\"8080\":{\"mode\":\"DISABLE\"}}}"),
                "application/json");
        AdmissionReview out = JSON.unmarshal(res.body(), AdmissionReview.class);
        assertThat(out.getResponse().getAllowed()).isFalse();
        assertThat(out.getResponse().getStatus().getMessage())
                .contains("spec.portLevelMtls: port-level mTLS requires a workload selector");
    }

    @Test
    void wrongContentTypeIs415AndGarbageIs400() throws Exception {
        HttpResponse<String> res =
                post(review("u", "security.istio.io", "PeerAuthentication", "CREATE", "{}"), "text/plain");
        assertThat(res.statusCode()).isEqualTo(415);
        assertThat(res.body()).contains("want application/json");
        HttpResponse<String> garbage = post("{\"apiVersion\":\"admission.k8s.io/v1\"}", "application/json");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("no request");
    }

    @Test
    void C001_C005_chartValidatorGetsTheMeshRootAndFailAndThatBundleVerifiesTheWebhook() throws Exception {
        var client = running.client();
        client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .resource(new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName("istio-validator-istio-system")
                        .endMetadata()
                        .addNewWebhook()
                        .withName("rev.validation.istio.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("istiod")
                        .withNamespace("istio-system")
                        .withPath("/validate")
                        .endService()
                        .endClientConfig()
                        .withFailurePolicy("Ignore")
                        .withSideEffects("None")
                        .withAdmissionReviewVersions("v1")
                        .endWebhook()
                        .addNewWebhook()
                        .withName("external.validation.example")
                        .withNewClientConfig()
                        .withUrl("https://validator.example/validate")
                        .endClientConfig()
                        .withFailurePolicy("Ignore")
                        .withSideEffects("None")
                        .withAdmissionReviewVersions("v1")
                        .endWebhook()
                        .build())
                .create();
        var configs = client.admissionRegistration().v1().validatingWebhookConfigurations();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "Fail"
                        .equals(configs.withName("istio-validator-istio-system")
                                .get()
                                .getWebhooks()
                                .getFirst()
                                .getFailurePolicy()));
        var patched = configs.withName("istio-validator-istio-system").get().getWebhooks();
        assertThat(patched.get(1).getFailurePolicy()).isEqualTo("Ignore");
        assertThat(patched.get(1).getClientConfig().getCaBundle()).isNull();

        // Trust exactly what the API server would: the caBundle istiod patched in.
        byte[] pem =
                Base64.getDecoder().decode(patched.getFirst().getClientConfig().getCaBundle());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
            trust.setCertificateEntry("bundle-" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (HttpClient apiServer = HttpClient.newBuilder().sslContext(ssl).build()) {
            HttpResponse<String> res = apiServer.send(
                    HttpRequest.newBuilder(validate)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    review("uid-bundle", "networking.istio.io", "Gateway", "CREATE", "{}")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.unmarshal(res.body(), AdmissionReview.class)
                            .getResponse()
                            .getAllowed())
                    .isFalse();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheMeshRootCannotTalkToTheWebhook() {
        try (HttpClient plain = HttpClient.newHttpClient()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.send(
                            HttpRequest.newBuilder(validate)
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }
}
