package io.ambient4j.istiod.ca;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.Pem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * istiod's own TLS certificate for port 15012, signed by the mesh CA with DNS SANs such as
 * {@code istiod.istio-system.svc}: ztunnel dials {@code istiod.istio-system.svc:15012} and verifies the
 * server against {@code root-cert.pem}, exactly as it would with upstream istiod.
 */
public final class ServingCertificate {
    /** istiod's DNS names in namespace {@code ns} (upstream's defaults for the {@code istiod} Service). */
    public static List<String> defaultDnsNames(String ns) {
        return List.of(
                "istiod." + ns + ".svc",
                "istiod." + ns + ".svc.cluster.local",
                "istiod." + ns,
                "istiod",
                "istio-pilot." + ns + ".svc",
                "localhost");
    }

    /** A key and its chain, leaf first. */
    public record Issued(PrivateKey key, List<X509Certificate> chain) {
        public Issued {
            chain = List.copyOf(chain);
        }

        public X509Certificate leaf() {
            return chain.getFirst();
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private ServingCertificate() {}

    /** Issues a serving certificate from the mesh CA; the chain runs leaf first, roots last. */
    public static Issued issue(MeshCa ca, List<String> dnsNames, Duration ttl) {
        Issued own = issue(Pem.decodePrivateKey(ca.caKeyPem()), List.of(ca.caCert()), dnsNames, ttl);
        return new Issued(own.key(), ca.chainFor(own.leaf()));
    }

    /**
     * Issues a fresh P-256 serving certificate.
     *
     * @param caKey the signing CA's key
     * @param caChain the signing CA certificate first, then anything up to and including the root
     * @param dnsNames DNS SANs
     * @param ttl lifetime (capped by the CA's own expiry)
     */
    public static Issued issue(PrivateKey caKey, List<X509Certificate> caChain, List<String> dnsNames, Duration ttl) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one DNS name");
        }
        X509Certificate ca = caChain.getFirst();
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            Instant now = Instant.now();
            Instant notAfter = now.plus(ttl);
            if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
                notAfter = ca.getNotAfter().toInstant();
            }
            var b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    new BigInteger(127, RANDOM),
                    Date.from(now.minus(Duration.ofMinutes(2))),
                    Date.from(notAfter),
                    new X500Name("O=istiod"),
                    pair.getPublic());
            var utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
            GeneralName[] sans = dnsNames.stream()
                    .map(n -> new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            var signer = new JcaContentSignerBuilder(
                            caKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA")
                    .build(caKey);
            X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(b.build(signer));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf);
            chain.addAll(caChain);
            return new Issued(pair.getPrivate(), chain);
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue istiod's serving certificate: " + e.getMessage(), e);
        }
    }
}
