package io.ambient4j.istiod.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.ca.IstioCertificateRequest;
import io.ambient4j.api.ca.IstioCertificateResponse;
import io.ambient4j.api.ca.IstioCertificateServiceGrpc;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.Pem;
import io.ambient4j.istiod.EmbeddedApiServer;
import io.ambient4j.istiod.Istiod;
import io.ambient4j.istiod.IstiodConfig;
import io.ambient4j.istiod.IstiodServer;
import io.ambient4j.istiod.testing.Channels;
import io.ambient4j.istiod.testing.TestSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * C137: putting a plug-in CA into Secret cacerts while istiod runs switches the CA: the new root is published
 * to every namespace (next to the old one for a transition period), istiod's own 15012 certificate chains to
 * it, and new workload certificates are signed by it.
 */
class CaRotationTest {
    @Test
    void C137_cacertsTakesEffectWithoutRestart() throws Exception {
        try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
            var kube = api.client();
            for (String ns : List.of("istio-system", "app")) {
                kube.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create();
            }
            try (Istiod istiod = Istiod.start(
                    IstiodConfig.defaults().onEphemeralLoopbackPorts(),
                    kube,
                    new Istiod.Index(new TestSource(), () -> true, () -> "{}", () -> {}))) {
                String oldRoot = istiod.ca().rootPem();
                await().atMost(Duration.ofSeconds(20)).until(() -> oldRoot.equals(root(kube, "app")));

                MeshCa plugged = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
                kube.secrets()
                        .inNamespace("istio-system")
                        .resource(new SecretBuilder()
                                .withNewMetadata()
                                .withName("cacerts")
                                .withNamespace("istio-system")
                                .endMetadata()
                                .withData(CaSecrets.encode(plugged.secretData()))
                                .build())
                        .create();

                // For the transition period both roots are published, the new one first, so ztunnels that
                // still hold certificates from the old CA keep being trusted.
                String both = plugged.rootPem() + oldRoot;
                await().atMost(Duration.ofSeconds(20)).until(() -> both.equals(root(kube, "app")));
                assertThat(Pem.decodeCertificates(root(kube, "app")))
                        .containsExactly(plugged.root(), Pem.decodeCertificate(oldRoot));
                assertThat(istiod.ca().root()).isEqualTo(plugged.root());

                // 15012 now presents a certificate that verifies with the new root only.
                String token = api.tokens().issue("app", "a", "", "", List.of("istio-ca"), Duration.ofHours(1));
                ManagedChannel ch =
                        Channels.tls(istiod.port(IstiodServer.TLS_XDS), plugged.rootPem(), Optional.of(token));
                try {
                    IstioCertificateResponse r = IstioCertificateServiceGrpc.newBlockingStub(ch)
                            .createCertificate(IstioCertificateRequest.newBuilder()
                                    .setCsr(Csr.create(SpiffeId.of("cluster.local", "app", "a"))
                                            .csrPem())
                                    .build());
                    var leaf = Pem.decodeCertificate(r.getCertChain(0));
                    leaf.verify(plugged.root().getPublicKey());
                    // The root bundle in the response also carries the replaced root during the transition.
                    assertThat(Pem.decodeCertificates(r.getCertChain(r.getCertChainCount() - 1)))
                            .containsExactly(plugged.root(), Pem.decodeCertificate(oldRoot));
                } finally {
                    Channels.close(ch);
                }
            }
        }
    }

    private static String root(io.fabric8.kubernetes.client.KubernetesClient kube, String ns) {
        ConfigMap cm = kube.configMaps()
                .inNamespace(ns)
                .withName(RootCertPublisher.CONFIG_MAP)
                .get();
        return cm == null ? null : cm.getData().get(RootCertPublisher.ROOT_CERT_KEY);
    }
}
