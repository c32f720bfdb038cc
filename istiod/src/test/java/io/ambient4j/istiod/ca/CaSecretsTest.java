package io.ambient4j.istiod.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.istiod.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where the CA key lives: created once in istio-ca-secret, reused on restart; a user's cacerts wins (C137 setup). */
class CaSecretsTest {
    @Test
    void C137_selfSignedRootIsCreatedOnceAndReusedAndCacertsWins() {
        try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
            var first = CaSecrets.load(api.client(), "istio-system", "cluster.local", Duration.ofDays(3650));
            assertThat(first.origin()).isEqualTo(CaSecrets.Origin.SELF_SIGNED_CREATED);
            Secret stored = api.client()
                    .secrets()
                    .inNamespace("istio-system")
                    .withName("istio-ca-secret")
                    .get();
            assertThat(stored.getType()).isEqualTo("istio.io/ca-root");
            assertThat(stored.getData()).containsKeys("ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem");

            var restarted = CaSecrets.load(api.client(), "istio-system", "cluster.local", Duration.ofDays(3650));
            assertThat(restarted.origin()).isEqualTo(CaSecrets.Origin.SELF_SIGNED_EXISTING);
            assertThat(restarted.ca().root()).isEqualTo(first.ca().root());

            MeshCa plugged = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
            api.client()
                    .secrets()
                    .inNamespace("istio-system")
                    .resource(new SecretBuilder()
                            .withNewMetadata()
                            .withName("cacerts")
                            .withNamespace("istio-system")
                            .endMetadata()
                            .withData(CaSecrets.encode(plugged.secretData()))
                            .build())
                    .create();
            var withCacerts = CaSecrets.load(api.client(), "istio-system", "cluster.local", Duration.ofDays(3650));
            assertThat(withCacerts.origin()).isEqualTo(CaSecrets.Origin.PLUGGED);
            assertThat(withCacerts.ca().root()).isEqualTo(plugged.root());
        }
    }
}
