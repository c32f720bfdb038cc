package io.ambient4j.common.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificates and CSRs the product would never make, built by hand for negative and plug-in tests. */
final class TestCerts {

    private TestCerts() {}

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    static String sigAlg(PrivateKey key) {
        return key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }

    /** A CA certificate for {@code subjectKey}, signed by {@code issuerKey} as {@code issuer}. */
    static X509Certificate caCert(
            String subject, PublicKey subjectKey, X509Certificate issuerCert, PrivateKey issuerKey, Duration ttl)
            throws Exception {
        X500Name subjectName = new X500Name(subject);
        X500Name issuerName = issuerCert == null
                ? subjectName
                : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuerName,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(ttl)),
                subjectName,
                subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg(issuerKey)).build(issuerKey)));
    }

    /** A leaf with arbitrary URI and DNS SANs, signed directly with {@code issuerKey}. */
    static X509Certificate leaf(
            PublicKey key, X509Certificate issuerCert, PrivateKey issuerKey, List<String> uris, List<String> dns)
            throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(now.toEpochMilli() + 7),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(3600)),
                new X500Name("CN=test"),
                key);
        GeneralName[] names = new GeneralName[uris.size() + dns.size()];
        int i = 0;
        for (String u : uris) {
            names[i++] = new GeneralName(GeneralName.uniformResourceIdentifier, u);
        }
        for (String d : dns) {
            names[i++] = new GeneralName(GeneralName.dNSName, d);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
        }));
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg(issuerKey)).build(issuerKey)));
    }

    /** A CSR for {@code subjectKey} signed by {@code signingKey} (which may differ, making it invalid). */
    static String csr(PublicKey subjectKey, PrivateKey signingKey, String sigAlg, String uriSan) throws Exception {
        JcaPKCS10CertificationRequestBuilder b =
                new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=ignored"), subjectKey);
        if (uriSan != null) {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(
                    Extension.subjectAlternativeName,
                    true,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uriSan)));
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        }
        PKCS10CertificationRequest request = b.build(new JcaContentSignerBuilder(sigAlg).build(signingKey));
        return Pem.encodeCsr(request);
    }
}
