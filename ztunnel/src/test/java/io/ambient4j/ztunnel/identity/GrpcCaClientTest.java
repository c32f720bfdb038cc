package io.ambient4j.ztunnel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.testing.FakeCa;
import io.ambient4j.ztunnel.testing.ServerTls;
import io.ambient4j.ztunnel.xds.XdsChannels;
import io.grpc.Metadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CreateCertificate} over TLS to a real gRPC CA (ambient-spec §4): the name istiod must present, an untrusted
 * CA, a CA that never answers, and a closed client. The happy paths and retries are in {@link CertManagerTest}.
 */
class GrpcCaClientTest {
    private static final SpiffeId POD = SpiffeId.of("", "app", "web");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dir;

    FakeCa ca;
    GrpcCaClient client;

    @BeforeEach
    void setUp() throws Exception {
        ca = new FakeCa(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        ca.close();
    }

    private GrpcCaClient client(Map<String, String> env, Duration timeout) throws Exception {
        Config cfg = ca.config(Duration.ofHours(1), env);
        SpiffeId own = new SpiffeId(cfg.trustDomain(), cfg.podNamespace(), cfg.serviceAccount());
        client = new GrpcCaClient(XdsChannels.createCa(cfg), own, cfg.secretTtl(), timeout);
        return client;
    }

    @Test
    void caReachedByIpVerifiesTheAltHostnameAndCarriesTheToken() throws Exception {
        String byIp = "https://127.0.0.1:" + ca.port();
        assertThatThrownBy(() -> client(Map.of("CA_ADDRESS", byIp), Duration.ofSeconds(10))
                        .fetch(POD))
                .isInstanceOfSatisfying(
                        CertificateFetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateFetchException.Reason.CA_UNAVAILABLE))
                .hasMessageContaining("istiod's certificate names [localhost, istiod.istio-system.svc], not 127.0.0.1");
        assertThat(ca.calls).isEmpty();
        client.close();

        client(Map.of("CA_ADDRESS", byIp, "ALT_CA_HOSTNAME", "istiod.istio-system.svc"), Duration.ofSeconds(10));
        assertThat(client.fetch(POD).identity()).isEqualTo(POD);
        assertThat(ca.nextCall().headers().get(AUTHORIZATION)).isEqualTo("Bearer header.payload.sig");
    }

    @Test
    void caWithACertificateFromAnotherRootIsRefusedNamingTheRoot() throws Exception {
        ServerTls other = ServerTls.create(Files.createDirectory(dir.resolve("other")));
        client(Map.of("CA_ROOT_CA", other.rootPem.toString()), Duration.ofSeconds(10));
        assertThatThrownBy(() -> client.fetch(POD))
                .isInstanceOfSatisfying(
                        CertificateFetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateFetchException.Reason.CA_UNAVAILABLE))
                .hasMessageContaining("UNAVAILABLE")
                .hasMessageContaining("is not trusted by the root " + other.rootPem);
        assertThat(ca.calls).isEmpty();
    }

    @Test
    void caThatNeverAnswersFailsAtTheDeadlineAndTheNextCallWorks() throws Exception {
        client(Map.of(), Duration.ofSeconds(1));
        ca.hangNext(1);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.fetch(POD))
                .isInstanceOfSatisfying(
                        CertificateFetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateFetchException.Reason.CA_UNAVAILABLE))
                .hasMessageContaining("DEADLINE_EXCEEDED");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        assertThat(client.fetch(POD).identity()).isEqualTo(POD);
    }

    @Test
    void closedClientFailsAtOnce() throws Exception {
        client(Map.of(), Duration.ofSeconds(10));
        client.close();
        assertThatThrownBy(() -> client.fetch(POD))
                .isInstanceOfSatisfying(
                        CertificateFetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateFetchException.Reason.CA_UNAVAILABLE))
                .hasMessageContaining("closed");
        assertThat(ca.calls).isEmpty();
    }
}
