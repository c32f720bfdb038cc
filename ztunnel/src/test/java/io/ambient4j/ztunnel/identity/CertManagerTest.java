package io.ambient4j.ztunnel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.testing.FakeCa;
import io.grpc.Metadata;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate manager against a real CA over gRPC/TLS (ambient-spec §4). */
class CertManagerTest {
    private static final SpiffeId POD = SpiffeId.of("", "app", "web");
    private static final SpiffeId ZTUNNEL = SpiffeId.of("", "istio-system", "ztunnel");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> CLUSTER_ID =
            Metadata.Key.of("clusterid", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dir;

    FakeCa ca;
    GrpcCaClient client;
    CertManager certs;

    @BeforeEach
    void setUp() throws Exception {
        ca = new FakeCa(dir);
    }

    private void start(Duration ttl) throws Exception {
        client = GrpcCaClient.create(ca.config(ttl));
        certs = CertManager.create(client, Clock.systemUTC(), Duration.ofMillis(200), 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (certs != null) {
            certs.close();
        }
        if (client != null) {
            client.close();
        }
        ca.close();
    }

    @Test
    void podIdentityIsRequestedWithImpersonationTokenAndClusterId() throws Exception {
        start(Duration.ofHours(24));
        WorkloadCertificate cert = certs.get(POD, Duration.ofSeconds(10));
        assertThat(cert.identity()).isEqualTo(POD);
        FakeCa.Call call = ca.nextCall();
        assertThat(call.request()
                        .getMetadata()
                        .getFieldsOrThrow("ImpersonatedIdentity")
                        .getStringValue())
                .isEqualTo("spiffe://cluster.local/ns/app/sa/web");
        assertThat(call.request().getValidityDuration()).isEqualTo(86400);
        assertThat(call.headers().get(AUTHORIZATION)).isEqualTo("Bearer header.payload.sig");
        assertThat(call.headers().get(CLUSTER_ID)).isEqualTo("Kubernetes");
        // A second caller gets the held certificate without another CSR.
        assertThat(certs.get(POD, Duration.ofSeconds(1))).isSameAs(cert);
        assertThat(ca.calls).isEmpty();
    }

    @Test
    void ownIdentityIsRequestedWithoutImpersonationAndTokenIsReReadEachCall() throws Exception {
        start(Duration.ofHours(24));
        certs.get(ZTUNNEL, Duration.ofSeconds(10));
        assertThat(ca.nextCall().request().hasMetadata()).isFalse();
        ca.rotateToken("rotated.token.value");
        certs.get(POD, Duration.ofSeconds(10));
        assertThat(ca.nextCall().headers().get(AUTHORIZATION)).isEqualTo("Bearer rotated.token.value");
    }

    @Test
    void issuedSanOtherThanRequestedIsRejected() throws Exception {
        start(Duration.ofHours(24));
        ca.issueWrongIdentity(SpiffeId.of("", "app", "other"));
        assertThatThrownBy(() -> certs.get(POD, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(
                        CertificateFetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateFetchException.Reason.BAD_RESPONSE))
                .hasMessageContaining("requested spiffe://cluster.local/ns/app/sa/web");
        assertThat(certs.current(POD)).isEmpty();
    }

    @Test
    void refreshesAtHalfLifeAndKeepsTheValidCertWhileTheCaIsDown() throws Exception {
        start(Duration.ofSeconds(6));
        WorkloadCertificate first = certs.get(POD, Duration.ofSeconds(10));
        ca.nextCall();
        // Refresh attempts fail: the valid certificate stays in place and retries back off.
        ca.failNext(2);
        ca.nextCall();
        assertThat(certs.current(POD)).containsSame(first);
        assertThat(certs.get(POD, Duration.ofSeconds(1))).isSameAs(first);
        ca.nextCall();
        // The CA recovers: the next retry installs a new certificate.
        await().atMost(Duration.ofSeconds(10)).until(() -> certs.current(POD).orElseThrow() != first);
        assertThat(certs.current(POD).orElseThrow().certifiedKey().leaf().getSerialNumber())
                .isNotEqualTo(first.certifiedKey().leaf().getSerialNumber());
    }

    @Test
    void waitingConnectionFailsWithTheCaErrorAndLaterSucceeds() throws Exception {
        start(Duration.ofHours(24));
        ca.failNext(1);
        assertThatThrownBy(() -> certs.get(POD, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(
                        CertificateFetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateFetchException.Reason.CA_UNAVAILABLE));
        await().atMost(Duration.ofSeconds(10)).until(() -> certs.current(POD).isPresent());
        assertThat(certs.get(POD, Duration.ofSeconds(1)).identity()).isEqualTo(POD);
    }

    @Test
    void prefetchFetchesInTheBackground() throws Exception {
        start(Duration.ofHours(24));
        certs.prefetch(POD);
        await().atMost(Duration.ofSeconds(10)).until(() -> certs.current(POD).isPresent());
        assertThat(certs.identities()).containsExactly(POD);
    }

    @Test
    void backoffDoublesUpTo150Seconds() {
        Duration one = Duration.ofSeconds(1);
        List<Long> seconds = List.of(1, 2, 3, 8, 9, 30).stream()
                .map(n -> CertManager.backoff(one, n).toSeconds())
                .toList();
        assertThat(seconds).containsExactly(1L, 2L, 4L, 128L, 150L, 150L);
    }
}
