package io.ambient4j.ztunnel.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway root and a server certificate for {@code localhost} and {@code istiod.istio-system.svc} (no IP SAN), as PEM files, so the in-test
 * istiod speaks real TLS and the xDS client verifies it with a root file exactly as in production.
 */
public final class ServerTls {
    public final Path rootPem;
    public final Path certChainPem;
    public final Path keyPem;

    private ServerTls(Path rootPem, Path certChainPem, Path keyPem) {
        this.rootPem = rootPem;
        this.certChainPem = certChainPem;
        this.keyPem = keyPem;
    }

    public static ServerTls create(Path dir) {
        try {
            KeyPair ca = ec();
            KeyPair leaf = ec();
            X500Name caName = new X500Name("O=ambient4j test,CN=test root");
            Instant now = Instant.now();
            ContentSigner caSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate());
            X509CertificateHolder root = new JcaX509v3CertificateBuilder(
                            caName,
                            BigInteger.ONE,
                            Date.from(now.minusSeconds(60)),
                            Date.from(now.plus(Duration.ofDays(1))),
                            caName,
                            ca.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .build(caSigner);
            X509CertificateHolder server = new JcaX509v3CertificateBuilder(
                            caName,
                            BigInteger.TWO,
                            Date.from(now.minusSeconds(60)),
                            Date.from(now.plus(Duration.ofDays(1))),
                            new X500Name("CN=istiod"),
                            leaf.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.dNSName, "istiod.istio-system.svc")
                    }))
                    .build(caSigner);
            Path rootPem = Files.writeString(dir.resolve("root-cert.pem"), pem(root));
            Path chain = Files.writeString(dir.resolve("server-chain.pem"), pem(server) + pem(root));
            Path key = Files.writeString(
                    dir.resolve("server-key.pem"), pem(new JcaPKCS8Generator(leaf.getPrivate(), null)));
            return new ServerTls(rootPem, chain, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }
}
