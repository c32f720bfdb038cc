package io.ambient4j.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client side of the CA API: checking {@code IstioCertificateResponse.cert_chain} (spec §4). */
class WorkloadCertificateTest {

    private static final SpiffeId ALICE = SpiffeId.of("", "ns1", "alice");
    private static final MeshCa CA = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(10));

    @Test
    void acceptsAResponseForTheRequestedIdentityAndComputesTheHalfLifeRefresh() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS); // X.509 times have whole seconds
        MeshCa ca = CA.withClock(Clock.fixed(now, ZoneOffset.UTC));
        Csr.KeyAndCsr request = Csr.create(ALICE);
        X509Certificate leaf = ca.signCsr(request.csrPem(), ALICE, Duration.ofHours(24));

        WorkloadCertificate cert = WorkloadCertificate.fromCaResponse(request.key(), ca.responseChain(leaf), ALICE);
        assertThat(cert.identity()).isEqualTo(ALICE);
        assertThat(cert.roots()).containsExactly(CA.root());
        assertThat(cert.certifiedKey().chain()).containsExactly(leaf, CA.root());
        // notBefore is backdated 2 minutes: the lifetime is 24h02m and the refresh lands half-way.
        assertThat(cert.refreshAt())
                .isEqualTo(now.minus(MeshCa.BACKDATE).plus(Duration.ofHours(12).plusMinutes(1)));
        assertThat(cert.isValidAt(now)).isTrue();
        assertThat(cert.isValidAt(now.plus(Duration.ofHours(25)))).isFalse();
    }

    @Test
    void rejectsACertificateForAnotherIdentity() {
        Csr.KeyAndCsr request = Csr.create(ALICE);
        SpiffeId bob = SpiffeId.of("", "ns1", "bob");
        X509Certificate leaf = CA.signCsr(request.csrPem(), bob, Duration.ZERO);
        assertThatThrownBy(() -> WorkloadCertificate.fromCaResponse(request.key(), CA.responseChain(leaf), ALICE))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.WRONG_IDENTITY))
                .hasMessage("CA issued a certificate for spiffe://cluster.local/ns/ns1/sa/bob,"
                        + " requested spiffe://cluster.local/ns/ns1/sa/alice");
    }

    @Test
    void rejectsACertificateForAnotherKey() {
        X509Certificate leaf = CA.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ZERO);
        Csr.KeyAndCsr mine = Csr.create(ALICE);
        assertThatThrownBy(() -> WorkloadCertificate.fromCaResponse(mine.key(), CA.responseChain(leaf), ALICE))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.KEY_MISMATCH));
    }

    @Test
    void rejectsAChainThatDoesNotReachTheRootsItCarries() {
        Csr.KeyAndCsr request = Csr.create(ALICE);
        X509Certificate leaf = CA.signCsr(request.csrPem(), ALICE, Duration.ZERO);
        MeshCa other = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(1));
        List<String> spliced = List.of(Pem.encodeCertificate(leaf), other.rootPem());
        assertThatThrownBy(() -> WorkloadCertificate.fromCaResponse(request.key(), spliced, ALICE))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CHAIN));
        assertThatThrownBy(() ->
                        WorkloadCertificate.fromCaResponse(request.key(), List.of(Pem.encodeCertificate(leaf)), ALICE))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CHAIN));
        assertThatThrownBy(() -> WorkloadCertificate.fromCaResponse(request.key(), List.of("junk", "junk"), ALICE))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CHAIN));
    }

    @Test
    void lastElementMayHoldSeveralRoots() {
        MeshCa other = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(1));
        Csr.KeyAndCsr request = Csr.create(ALICE);
        X509Certificate leaf = CA.signCsr(request.csrPem(), ALICE, Duration.ZERO);
        // During a root rotation the bundle carries old and new roots together.
        List<String> chain = List.of(Pem.encodeCertificate(leaf), other.rootPem() + CA.rootPem());
        WorkloadCertificate cert = WorkloadCertificate.fromCaResponse(request.key(), chain, ALICE);
        assertThat(cert.roots()).containsExactly(other.root(), CA.root());
    }
}
