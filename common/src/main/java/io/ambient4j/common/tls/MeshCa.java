package io.ambient4j.common.tls;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.TlsException.Reason;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The mesh certificate authority behind istiod's {@code IstioCertificateService}. It either generates its
 * own self-signed P-256 root (istiod's default, persisted in Secret {@value #SELF_SIGNED_SECRET}) or uses
 * a user-supplied intermediate from Secret {@value #PLUGGED_SECRET}. Whatever a CSR asks for, the leaf it
 * signs carries exactly the identity the caller was authenticated as: that is the mesh's security
 * boundary. Instances are immutable and safe to share.
 */
public final class MeshCa {

    /** Secret istiod writes its self-signed CA into. */
    public static final String SELF_SIGNED_SECRET = "istio-ca-secret";
    /** The Secret type upstream gives {@value #SELF_SIGNED_SECRET}. */
    public static final String SELF_SIGNED_SECRET_TYPE = "istio.io/ca-root";
    /** Secret a user puts a plug-in intermediate CA into. */
    public static final String PLUGGED_SECRET = "cacerts";
    /** Secret keys, as upstream Istio names them. */
    public static final String CA_CERT = "ca-cert.pem";

    public static final String CA_KEY = "ca-key.pem";
    public static final String CERT_CHAIN = "cert-chain.pem";
    public static final String ROOT_CERT = "root-cert.pem";
    /** Present (empty) in upstream's {@value #SELF_SIGNED_SECRET}; unused by the CA. */
    public static final String PRIVATE_KEY = "key.pem";
    /** The kubernetes.io/tls form of {@value #PLUGGED_SECRET} (e.g. written by cert-manager). */
    public static final String TLS_CERT = "tls.crt";

    public static final String TLS_KEY = "tls.key";
    public static final String TLS_ROOT = "ca.crt";

    /** Lifetime used when a request asks for zero or a negative TTL. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Longest leaf lifetime unless {@link #withMaxTtl} says otherwise. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(90);
    /** notBefore is set this far in the past so peers with slightly slow clocks accept new leaves. */
    public static final Duration BACKDATE = Duration.ofMinutes(2);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey signingKey;
    private final X509Certificate signingCert;
    private final List<X509Certificate> intermediates;
    private final List<X509Certificate> roots;
    private final Duration maxTtl;
    private final Clock clock;

    private MeshCa(
            PrivateKey signingKey,
            X509Certificate signingCert,
            List<X509Certificate> intermediates,
            List<X509Certificate> roots,
            Duration maxTtl,
            Clock clock) {
        this.signingKey = signingKey;
        this.signingCert = signingCert;
        this.intermediates = List.copyOf(intermediates);
        this.roots = List.copyOf(roots);
        this.maxTtl = maxTtl;
        this.clock = clock;
    }

    /**
     * A new self-signed root CA: ECDSA P-256, subject {@code O=<trustDomain>}, basicConstraints CA
     * (critical), keyUsage keyCertSign|cRLSign (critical), valid for {@code rootTtl}.
     */
    public static MeshCa generateSelfSigned(String trustDomain, Duration rootTtl) {
        Objects.requireNonNull(trustDomain, "trustDomain");
        if (rootTtl == null || rootTtl.isNegative() || rootTtl.isZero()) {
            throw new IllegalArgumentException("root TTL must be positive, got " + rootTtl);
        }
        Clock clock = Clock.systemUTC();
        try {
            KeyPair pair = Csr.newP256KeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, trustDomain)
                    .build();
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(rootTtl)),
                    subject,
                    pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate root =
                    new JcaX509CertificateConverter().getCertificate(builder.build(Csr.signer(pair.getPrivate())));
            return new MeshCa(pair.getPrivate(), root, List.of(), List.of(root), DEFAULT_MAX_TTL, clock);
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new TlsException(Reason.CRYPTO_FAILURE, "cannot generate a self-signed CA for " + trustDomain, e);
        }
    }

    /**
     * A CA from PEM, with upstream's plug-in CA semantics: {@code certChainPem} starts with the signing
     * certificate ({@code ca-cert.pem}) optionally followed by its intermediates and roots
     * ({@code cert-chain.pem}); {@code keyPem} is its key ({@code ca-key.pem}, PKCS#8, EC or RSA);
     * {@code rootPem} holds the roots ({@code root-cert.pem}). An empty {@code rootPem} means the signing
     * certificate is its own root. The key must match and the chain must verify up to a root.
     */
    public static MeshCa fromPem(String certChainPem, String keyPem, String rootPem) {
        List<X509Certificate> chain = decode(CA_CERT + "/" + CERT_CHAIN, certChainPem);
        X509Certificate signing = chain.getFirst();
        PrivateKey key;
        try {
            key = Pem.decodePrivateKey(keyPem);
        } catch (PemException e) {
            throw new TlsException(Reason.BAD_CA_MATERIAL, CA_KEY + ": " + e.getMessage(), e);
        }
        List<X509Certificate> roots;
        if (rootPem == null || rootPem.isBlank()) {
            if (!signing.getSubjectX500Principal().equals(signing.getIssuerX500Principal())) {
                throw new TlsException(
                        Reason.BAD_CA_MATERIAL,
                        "no " + ROOT_CERT + " given and the CA certificate " + signing.getSubjectX500Principal()
                                + " is not self-signed (issuer " + signing.getIssuerX500Principal() + ")");
            }
            roots = List.of(signing);
        } else {
            roots = decode(ROOT_CERT, rootPem);
        }
        List<X509Certificate> intermediates = new ArrayList<>();
        for (X509Certificate c : chain.subList(1, chain.size())) {
            if (!roots.contains(c) && !c.equals(signing) && !intermediates.contains(c)) {
                intermediates.add(c);
            }
        }
        checkIsCa(signing);
        checkKeyMatches(key, signing.getPublicKey());
        if (!roots.contains(signing)) {
            List<X509Certificate> path = new ArrayList<>();
            path.add(signing);
            path.addAll(intermediates);
            try {
                validate(path, roots, Date.from(Instant.now()));
            } catch (GeneralSecurityException e) {
                throw new TlsException(
                        Reason.BAD_CA_MATERIAL,
                        "the CA certificate " + signing.getSubjectX500Principal() + " does not chain to " + ROOT_CERT
                                + ": " + e.getMessage(),
                        e);
            }
        }
        return new MeshCa(key, signing, intermediates, roots, DEFAULT_MAX_TTL, Clock.systemUTC());
    }

    /**
     * A CA from Secret data ({@value #SELF_SIGNED_SECRET} or {@value #PLUGGED_SECRET}): {@value #CA_CERT} and
     * {@value #CA_KEY} are required, {@value #CERT_CHAIN} and {@value #ROOT_CERT} may be empty. A
     * {@value #PLUGGED_SECRET} in kubernetes.io/tls form ({@value #TLS_CERT}, {@value #TLS_KEY},
     * {@value #TLS_ROOT}) is accepted too, as upstream does.
     */
    public static MeshCa fromSecretData(Map<String, String> data) {
        if (data.containsKey(TLS_CERT)) {
            // kubernetes.io/tls layout: tls.crt signs, tls.key is its key, ca.crt holds the root(s).
            String tlsCert = data.get(TLS_CERT);
            String tlsKey = data.get(TLS_KEY);
            if (tlsCert == null || tlsCert.isBlank() || tlsKey == null || tlsKey.isBlank()) {
                throw new TlsException(
                        Reason.BAD_CA_MATERIAL, "CA Secret data needs non-empty " + TLS_CERT + " and " + TLS_KEY);
            }
            return fromPem(tlsCert, tlsKey, data.get(TLS_ROOT));
        }
        String caCert = data.get(CA_CERT);
        String caKey = data.get(CA_KEY);
        if (caCert == null || caCert.isBlank() || caKey == null || caKey.isBlank()) {
            throw new TlsException(
                    Reason.BAD_CA_MATERIAL, "CA Secret data needs non-empty " + CA_CERT + " and " + CA_KEY);
        }
        String chain = data.getOrDefault(CERT_CHAIN, "");
        return fromPem(caCert + "\n" + (chain == null ? "" : chain), caKey, data.get(ROOT_CERT));
    }

    /** The same CA with another cap on leaf lifetimes. */
    public MeshCa withMaxTtl(Duration max) {
        if (max == null || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("max TTL must be positive, got " + max);
        }
        return new MeshCa(signingKey, signingCert, intermediates, roots, max, clock);
    }

    /** The same CA reading time from {@code clock} (tests of expiry and rotation). */
    public MeshCa withClock(Clock clock) {
        return new MeshCa(signingKey, signingCert, intermediates, roots, maxTtl, Objects.requireNonNull(clock));
    }

    /**
     * Signs a workload CSR. The CSR must be at most 64 KiB of PEM, carry an EC P-256 key and a valid
     * ECDSA/SHA-2 self-signature; its subject and requested SANs are ignored. The leaf has an empty
     * subject, exactly one critical URI SAN = {@code identity}, keyUsage digitalSignature|keyEncipherment,
     * extendedKeyUsage serverAuth+clientAuth, notBefore {@link #BACKDATE} in the past and a lifetime of
     * {@code ttl} ({@link #DEFAULT_TTL} when zero or negative), capped by the max TTL and by the CA's own
     * expiry.
     */
    public X509Certificate signCsr(String csrPem, SpiffeId identity, Duration ttl) {
        Objects.requireNonNull(identity, "identity");
        Csr.Verified csr = Csr.verify(csrPem);
        return issue(
                csr.publicKey(),
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri())),
                identity.uri(),
                ttl);
    }

    /**
     * A serving certificate for istiod itself (port 15012 and the webhook): a fresh P-256 key and a
     * leaf whose SANs are the given DNS names (e.g. {@code istiod.istio-system.svc}), chained like a
     * workload leaf. ztunnel verifies it with {@link Mtls#istiodClientContext}.
     */
    public CertifiedKey issueDnsCertificate(List<String> dnsNames, Duration ttl) {
        if (dnsNames == null || dnsNames.isEmpty()) {
            throw new IllegalArgumentException("no DNS names given");
        }
        KeyPair pair;
        try {
            pair = Csr.newP256KeyPair();
        } catch (GeneralSecurityException e) {
            throw new TlsException(Reason.CRYPTO_FAILURE, "cannot generate a P-256 key", e);
        }
        GeneralName[] names = new GeneralName[dnsNames.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames.get(i));
        }
        X509Certificate leaf = issue(pair.getPublic(), new GeneralNames(names), String.join(",", dnsNames), ttl);
        return new CertifiedKey(pair.getPrivate(), chainFor(leaf));
    }

    /** The lifetime a request for {@code requested} gets (before the CA-expiry cap). */
    public Duration effectiveTtl(Duration requested) {
        Duration ttl = requested == null || requested.isZero() || requested.isNegative() ? DEFAULT_TTL : requested;
        return ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
    }

    private X509Certificate issue(PublicKey publicKey, GeneralNames sans, String what, Duration ttl) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(effectiveTtl(ttl));
        Instant caNotAfter = signingCert.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        try {
            X500Name issuer =
                    X500Name.getInstance(signingCert.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter),
                    new X500Name(new RDN[0]),
                    publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(signingCert));
            // An empty subject makes the SAN extension mandatory-critical (RFC 5280 §4.2.1.6).
            builder.addExtension(Extension.subjectAlternativeName, true, sans);
            return new JcaX509CertificateConverter().getCertificate(builder.build(Csr.signer(signingKey)));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new TlsException(Reason.CRYPTO_FAILURE, "cannot sign a certificate for " + what, e);
        }
    }

    /** The chain to hand out with {@code leaf}: leaf first, then the CA and intermediates, roots last. */
    public List<X509Certificate> chainFor(X509Certificate leaf) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        if (!roots.contains(signingCert)) {
            chain.add(signingCert);
        }
        chain.addAll(intermediates);
        chain.addAll(roots);
        return List.copyOf(chain);
    }

    /**
     * {@code IstioCertificateResponse.cert_chain} for {@code leaf}: one PEM certificate per element, leaf
     * first; the last element holds all roots concatenated.
     */
    public List<String> responseChain(X509Certificate leaf) {
        List<String> out = new ArrayList<>();
        out.add(Pem.encodeCertificate(leaf));
        if (!roots.contains(signingCert)) {
            out.add(Pem.encodeCertificate(signingCert));
        }
        for (X509Certificate c : intermediates) {
            out.add(Pem.encodeCertificate(c));
        }
        out.add(rootPem());
        return List.copyOf(out);
    }

    /** The first root (the only one unless a plug-in CA brought several). */
    public X509Certificate root() {
        return roots.getFirst();
    }

    public List<X509Certificate> roots() {
        return roots;
    }

    /** All roots as concatenated PEM: the {@code root-cert.pem} of ConfigMap {@code istio-ca-root-cert}. */
    public String rootPem() {
        return Pem.encodeCertificates(roots);
    }

    /** The certificate that signs leaves. */
    public X509Certificate caCert() {
        return signingCert;
    }

    public String caCertPem() {
        return Pem.encodeCertificate(signingCert);
    }

    /** The signing key as PKCS#8 PEM, for persisting in a Secret. */
    public String caKeyPem() {
        return Pem.encodePrivateKey(signingKey);
    }

    /** Signing cert, intermediates and roots; empty for a self-signed root (as upstream stores it). */
    public String certChainPem() {
        if (roots.contains(signingCert)) {
            return "";
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(signingCert);
        chain.addAll(intermediates);
        chain.addAll(roots);
        return Pem.encodeCertificates(chain);
    }

    /**
     * Data for Secret {@value #SELF_SIGNED_SECRET} (type {@value #SELF_SIGNED_SECRET_TYPE}), the five keys
     * upstream writes: {@value #CA_CERT}, {@value #CA_KEY}, and (empty for a self-signed CA) {@value
     * #CERT_CHAIN}, {@value #ROOT_CERT} and {@value #PRIVATE_KEY}. {@link #fromSecretData} reads it back.
     */
    public Map<String, String> secretData() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(CA_CERT, caCertPem());
        data.put(CA_KEY, caKeyPem());
        data.put(CERT_CHAIN, certChainPem());
        data.put(ROOT_CERT, roots.contains(signingCert) ? "" : rootPem());
        data.put(PRIVATE_KEY, "");
        return Map.copyOf(data);
    }

    public Duration maxTtl() {
        return maxTtl;
    }

    /** PKIX validation of {@code path} (leaf or CA first, without the anchor) against {@code roots}. */
    static void validate(List<X509Certificate> path, List<X509Certificate> roots, Date at)
            throws GeneralSecurityException {
        ChainValidation.validate(path, roots, at);
    }

    private static List<X509Certificate> decode(String what, String pem) {
        try {
            return Pem.decodeCertificates(pem);
        } catch (PemException e) {
            throw new TlsException(Reason.BAD_CA_MATERIAL, what + ": " + e.getMessage(), e);
        }
    }

    private static void checkIsCa(X509Certificate cert) {
        boolean[] usage = cert.getKeyUsage();
        if (cert.getBasicConstraints() < 0) {
            throw new TlsException(
                    Reason.BAD_CA_MATERIAL,
                    "the CA certificate " + cert.getSubjectX500Principal() + " has no basicConstraints CA:true");
        }
        if (usage != null && (usage.length < 6 || !usage[5])) {
            throw new TlsException(
                    Reason.BAD_CA_MATERIAL,
                    "the CA certificate " + cert.getSubjectX500Principal() + " lacks keyUsage keyCertSign");
        }
    }

    private static void checkKeyMatches(PrivateKey key, PublicKey publicKey) {
        String mismatch = KeyChecks.mismatch(key, publicKey);
        if (mismatch != null) {
            throw new TlsException(Reason.BAD_CA_MATERIAL, CA_KEY + " does not match " + CA_CERT + ": " + mismatch);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
