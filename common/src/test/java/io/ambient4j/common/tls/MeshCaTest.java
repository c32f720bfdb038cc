package io.ambient4j.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.SpiffeId;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MeshCaTest {

    private static final SpiffeId ALICE = SpiffeId.of("", "default", "alice");
    private static final SpiffeId BOB = SpiffeId.of("", "default", "bob");
    private static MeshCa ca;

    @BeforeAll
    static void createCa() {
        ca = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(365));
    }

    @Test
    void selfSignedRootLooksLikeIstiods() throws Exception {
        X509Certificate root = ca.root();
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("O=cluster.local");
        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(root.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] usage = root.getKeyUsage();
        assertThat(usage[5]).as("keyCertSign").isTrue();
        assertThat(usage[6]).as("cRLSign").isTrue();
        assertThat(usage[0]).as("digitalSignature").isFalse();
        root.verify(root.getPublicKey());
    }

    @Test
    void signsCsrWithExactlyOneCriticalUriSanAndIgnoresTheRequestedOne() throws Exception {
        // The CSR asks for alice; the CA was told the caller is bob. bob wins.
        Csr.KeyAndCsr request = Csr.create(ALICE);
        assertThat(Csr.requestedIdentity(request.csrPem())).isEqualTo(ALICE);
        X509Certificate leaf = ca.signCsr(request.csrPem(), BOB, Duration.ofHours(1));

        assertThat(leaf.getSubjectAlternativeNames()).hasSize(1);
        assertThat(SpiffeSans.uris(leaf)).containsExactly(BOB.uri());
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.17");
        assertThat(leaf.getSubjectX500Principal().getEncoded()).hasSize(2); // empty SEQUENCE
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.root().getSubjectX500Principal());
        assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(leaf.getKeyUsage()[2]).as("keyEncipherment").isTrue();
        assertThat(leaf.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getPublicKey().getEncoded())
                .isEqualTo(Pem.decodeCsr(request.csrPem())
                        .getSubjectPublicKeyInfo()
                        .getEncoded());
        assertThat(new CertifiedKey(request.key(), ca.chainFor(leaf)).identity())
                .isEqualTo(BOB);
    }

    @Test
    void chainVerifiesWithPkixAgainstTheRoot() throws Exception {
        X509Certificate leaf = ca.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ofHours(1));
        List<X509Certificate> chain = ca.chainFor(leaf);
        assertThat(chain).containsExactly(leaf, ca.root());
        pkix(List.of(leaf), ca.root());
    }

    @Test
    void certificateFromAnotherCaIsRejected() {
        MeshCa other = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(1));
        X509Certificate foreign = other.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ofHours(1));
        assertThatThrownBy(() -> pkix(List.of(foreign), ca.root())).isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void ttlDefaultsTo24hIsCappedAndNotBeforeIsBackdated() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        MeshCa fixed = ca.withClock(Clock.fixed(now, ZoneOffset.UTC)).withMaxTtl(Duration.ofDays(2));
        String csr = Csr.create(ALICE).csrPem();

        X509Certificate zero = fixed.signCsr(csr, ALICE, Duration.ZERO);
        assertThat(zero.getNotBefore().toInstant()).isEqualTo(now.minus(MeshCa.BACKDATE));
        assertThat(zero.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(24)));

        X509Certificate negative = fixed.signCsr(csr, ALICE, Duration.ofSeconds(-5));
        assertThat(negative.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(24)));

        X509Certificate asked = fixed.signCsr(csr, ALICE, Duration.ofHours(5));
        assertThat(asked.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(5)));

        X509Certificate capped = fixed.signCsr(csr, ALICE, Duration.ofDays(400));
        assertThat(capped.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(2)));
        assertThat(ca.maxTtl()).isEqualTo(MeshCa.DEFAULT_MAX_TTL).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void leafNeverOutlivesTheCa() {
        MeshCa shortLived = MeshCa.generateSelfSigned("cluster.local", Duration.ofHours(2));
        X509Certificate leaf = shortLived.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ofDays(1));
        assertThat(leaf.getNotAfter()).isEqualTo(shortLived.root().getNotAfter());
    }

    @Test
    void oversizedCsrIsRejectedBeforeParsing() {
        String huge = Csr.create(ALICE).csrPem() + " ".repeat(Csr.MAX_PEM_LENGTH);
        assertReason(() -> ca.signCsr(huge, ALICE, Duration.ZERO), CsrException.Reason.TOO_LARGE);
    }

    @Test
    void rsaAndP384CsrsAreUnsupportedKeys() throws Exception {
        KeyPair rsa = TestCerts.rsa(2048);
        String rsaCsr = TestCerts.csr(rsa.getPublic(), rsa.getPrivate(), "SHA256withRSA", ALICE.uri());
        assertReason(() -> ca.signCsr(rsaCsr, ALICE, Duration.ZERO), CsrException.Reason.UNSUPPORTED_KEY);

        KeyPair p384 = TestCerts.ec("secp384r1");
        String p384Csr = TestCerts.csr(p384.getPublic(), p384.getPrivate(), "SHA384withECDSA", ALICE.uri());
        assertReason(() -> ca.signCsr(p384Csr, ALICE, Duration.ZERO), CsrException.Reason.UNSUPPORTED_KEY);
    }

    @Test
    void csrSignedByAnotherKeyHasABadSignature() throws Exception {
        KeyPair claimed = TestCerts.ec("secp256r1");
        KeyPair signer = TestCerts.ec("secp256r1");
        String csr = TestCerts.csr(claimed.getPublic(), signer.getPrivate(), "SHA256withECDSA", ALICE.uri());
        assertReason(() -> ca.signCsr(csr, ALICE, Duration.ZERO), CsrException.Reason.BAD_SIGNATURE);
    }

    @Test
    void csrWithAFlippedSignatureBitHasABadSignature() {
        byte[] der = Pem.blocks(Csr.create(ALICE).csrPem()).getFirst().der();
        der[der.length - 1] ^= 0x01;
        String tampered = Pem.encode(Pem.CERTIFICATE_REQUEST, der);
        assertReason(() -> ca.signCsr(tampered, ALICE, Duration.ZERO), CsrException.Reason.BAD_SIGNATURE);
    }

    @Test
    void garbageIsMalformed() {
        assertReason(() -> ca.signCsr("", ALICE, Duration.ZERO), CsrException.Reason.MALFORMED);
        assertReason(() -> ca.signCsr("hello", ALICE, Duration.ZERO), CsrException.Reason.MALFORMED);
        assertReason(
                () -> ca.signCsr(ca.rootPem(), ALICE, Duration.ZERO), CsrException.Reason.MALFORMED); // a CERTIFICATE
        String notDer = Pem.encode(Pem.CERTIFICATE_REQUEST, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});
        assertReason(() -> ca.signCsr(notDer, ALICE, Duration.ZERO), CsrException.Reason.MALFORMED);
        String notBase64 = "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n";
        assertReason(() -> ca.signCsr(notBase64, ALICE, Duration.ZERO), CsrException.Reason.MALFORMED);
    }

    @Test
    void requestedIdentityNeedsExactlyOneSpiffeUri() throws Exception {
        KeyPair k = TestCerts.ec("secp256r1");
        String none = TestCerts.csr(k.getPublic(), k.getPrivate(), "SHA256withECDSA", null);
        assertReason(() -> Csr.requestedIdentity(none), CsrException.Reason.NO_IDENTITY);
        String http = TestCerts.csr(k.getPublic(), k.getPrivate(), "SHA256withECDSA", "https://example.com/x");
        assertReason(() -> Csr.requestedIdentity(http), CsrException.Reason.NO_IDENTITY);
        // A CSR without SAN is still signable: the CA decides the identity.
        assertThat(SpiffeSans.uris(ca.signCsr(none, ALICE, Duration.ZERO))).containsExactly(ALICE.uri());
    }

    @Test
    void secretDataRoundTripsAsUpstreamStoresASelfSignedCa() {
        Map<String, String> data = ca.secretData();
        assertThat(data).containsOnlyKeys("ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem", "key.pem");
        assertThat(data.get("key.pem")).isEmpty();
        assertThat(data.get("cert-chain.pem")).isEmpty();
        assertThat(data.get("root-cert.pem")).isEmpty();
        assertThat(data.get("ca-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----\n");
        MeshCa restored = MeshCa.fromSecretData(data);
        assertThat(restored.root()).isEqualTo(ca.root());
        X509Certificate leaf = restored.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ZERO);
        assertThat(ca.chainFor(leaf)).containsExactly(leaf, ca.root());
    }

    @Test
    void C137_pluggedRsaIntermediateFromCacertsSignsLeavesThatChainToTheRoot() throws Exception {
        // The CA half of C137: a (new) intermediate in Secret cacerts is what new leaves chain to.
        KeyPair rootKey = TestCerts.rsa(2048);
        X509Certificate root = TestCerts.caCert(
                "O=Istio,CN=Root CA", rootKey.getPublic(), null, rootKey.getPrivate(), Duration.ofDays(10));
        KeyPair interKey = TestCerts.rsa(2048);
        X509Certificate inter = TestCerts.caCert(
                "O=Istio,CN=Intermediate CA,L=cluster1",
                interKey.getPublic(),
                root,
                rootKey.getPrivate(),
                Duration.ofDays(5));
        // Istio's cert tooling writes the key as PKCS#1 and cert-chain.pem = ca-cert + root.
        byte[] pkcs1 = PrivateKeyInfo.getInstance(interKey.getPrivate().getEncoded())
                .parsePrivateKey()
                .toASN1Primitive()
                .getEncoded();
        Map<String, String> cacerts = new HashMap<>();
        cacerts.put("ca-cert.pem", Pem.encodeCertificate(inter));
        cacerts.put("ca-key.pem", Pem.encode(Pem.RSA_PRIVATE_KEY, pkcs1));
        cacerts.put("root-cert.pem", Pem.encodeCertificate(root));
        cacerts.put("cert-chain.pem", Pem.encodeCertificates(List.of(inter, root)));

        MeshCa plugged = MeshCa.fromSecretData(cacerts);
        X509Certificate leaf = plugged.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ZERO);
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(plugged.chainFor(leaf)).containsExactly(leaf, inter, root);
        assertThat(plugged.root()).isEqualTo(root);
        List<String> response = plugged.responseChain(leaf);
        assertThat(response).hasSize(3);
        assertThat(Pem.decodeCertificates(response.getLast())).containsExactly(root);
        pkix(List.of(leaf, inter), root);

        // The same CA as a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt), e.g. from cert-manager.
        MeshCa tls = MeshCa.fromSecretData(Map.of(
                "tls.crt", Pem.encodeCertificate(inter),
                "tls.key", Pem.encodePrivateKey(interKey.getPrivate()),
                "ca.crt", Pem.encodeCertificate(root)));
        X509Certificate tlsLeaf = tls.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ZERO);
        assertThat(tls.chainFor(tlsLeaf)).containsExactly(tlsLeaf, inter, root);
    }

    @Test
    void inconsistentCaMaterialIsRejected() throws Exception {
        KeyPair otherKey = TestCerts.ec("secp256r1");
        assertThatThrownBy(
                        () -> MeshCa.fromPem(ca.caCertPem(), Pem.encodePrivateKey(otherKey.getPrivate()), ca.rootPem()))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.BAD_CA_MATERIAL))
                .hasMessageContaining("does not match");

        MeshCa other = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(1));
        KeyPair interKey = TestCerts.ec("secp256r1");
        X509Certificate inter =
                TestCerts.caCert("CN=inter", interKey.getPublic(), other.root(), otherKeyOf(other), Duration.ofDays(1));
        assertThatThrownBy(() -> MeshCa.fromPem(
                        Pem.encodeCertificate(inter), Pem.encodePrivateKey(interKey.getPrivate()), ca.rootPem()))
                .isInstanceOfSatisfying(
                        TlsException.class, e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.BAD_CA_MATERIAL))
                .hasMessageContaining("does not chain");

        X509Certificate leaf = ca.signCsr(Csr.create(ALICE).csrPem(), ALICE, Duration.ZERO);
        assertThatThrownBy(() -> MeshCa.fromPem(Pem.encodeCertificate(leaf), ca.caKeyPem(), ca.rootPem()))
                .isInstanceOf(TlsException.class)
                .hasMessageContaining("basicConstraints");

        assertThatThrownBy(() -> MeshCa.fromPem("junk", ca.caKeyPem(), ""))
                .isInstanceOf(TlsException.class)
                .hasMessageContaining("ca-cert.pem");
    }

    private static java.security.PrivateKey otherKeyOf(MeshCa other) {
        return Pem.decodePrivateKey(other.caKeyPem());
    }

    static void pkix(List<X509Certificate> path, X509Certificate root) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    }

    static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, CsrException.Reason reason) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        CsrException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void pemRoundTripsAndRejectsGarbageClearly() {
        assertThat(Pem.decodeCertificates(ca.rootPem())).containsExactly(ca.root());
        assertThat(Pem.decodePrivateKey(ca.caKeyPem()).getEncoded())
                .isEqualTo(Base64.getMimeDecoder().decode(ca.caKeyPem().replaceAll("-----[A-Z ]+-----", "")));
        assertThatThrownBy(() -> Pem.decodeCertificate("not pem"))
                .isInstanceOfSatisfying(
                        PemException.class, e -> assertThat(e.reason()).isEqualTo(PemException.Reason.NO_PEM_BLOCK));
        assertThatThrownBy(() -> Pem.decodeCertificate(ca.caKeyPem()))
                .isInstanceOfSatisfying(
                        PemException.class, e -> assertThat(e.reason()).isEqualTo(PemException.Reason.WRONG_TYPE))
                .hasMessageContaining("expected a CERTIFICATE block, found PRIVATE KEY");
        assertThatThrownBy(() -> Pem.decodePrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .isInstanceOfSatisfying(
                        PemException.class, e -> assertThat(e.reason()).isEqualTo(PemException.Reason.MALFORMED));
        assertThatThrownBy(() -> Pem.decodeCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n"))
                .isInstanceOfSatisfying(
                        PemException.class, e -> assertThat(e.reason()).isEqualTo(PemException.Reason.MALFORMED))
                .hasMessageContaining("-----END CERTIFICATE-----");
        assertThatThrownBy(() -> Pem.decodeCertificate(ca.rootPem() + ca.rootPem()))
                .isInstanceOfSatisfying(
                        PemException.class, e -> assertThat(e.reason()).isEqualTo(PemException.Reason.TOO_MANY));
    }
}
