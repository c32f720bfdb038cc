package io.ambient4j.ztunnel.xds;

import io.ambient4j.common.tls.Pem;
import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client TLS toward istiod for Helidon's HTTP/2 client: trust from {@code XDS_ROOT_CA}/{@code CA_ROOT_CA} (a
 * file, inline PEM, or {@code SYSTEM} for the JDK's roots), the server name sent as SNI and checked in istiod's
 * certificate being the alternative hostname when set, else the address's host; ALPN h2 is added by the client.
 */
final class IstiodTls {
    private IstiodTls() {}

    /** TLS for {@code expectedHost}; a missing file or PEM without certificates fails here, before any connection. */
    static Tls create(String rootCa, String expectedHost) {
        X509ExtendedTrustManager pkix = pkix(rootCa);
        String source = "SYSTEM".equals(rootCa) ? "SYSTEM" : rootCa.contains("-----BEGIN") ? "(inline PEM)" : rootCa;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new IstiodTrustManager(pkix, expectedHost, source)}, null);
            SSLParameters params = new SSLParameters();
            params.setEndpointIdentificationAlgorithm(""); // IstiodTrustManager checks the expected name
            if (ServerNames.ipLiteral(expectedHost).isEmpty()) {
                try {
                    params.setServerNames(List.of(new SNIHostName(expectedHost)));
                } catch (IllegalArgumentException notAnSniName) {
                    // not a name SNI can carry (e.g. an underscore): send none; the name check still applies
                }
            }
            return Tls.builder().sslContext(ctx).sslParameters(params).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS client", e);
        }
    }

    /** The JDK's PKIX trust manager over the configured roots (the JDK's own for {@code SYSTEM}). */
    static X509ExtendedTrustManager pkix(String rootCa) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if ("SYSTEM".equals(rootCa)) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (X509Certificate root : Pem.decodeCertificates(rootPem(rootCa))) {
                    ks.setCertificateEntry("istiod-root-" + i++, root);
                }
                tmf.init(ks);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK's TrustManagerFactory has no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store from " + rootCa, e);
        }
    }

    /** Inline PEM as is; anything else is a file path. */
    private static String rootPem(String rootCa) {
        if (rootCa.contains("-----BEGIN")) {
            return rootCa;
        }
        try {
            return Files.readString(Path.of(rootCa), StandardCharsets.US_ASCII);
        } catch (IOException | InvalidPathException e) {
            throw new UncheckedIOException(
                    "cannot read istiod's root certificate " + rootCa,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }
}
