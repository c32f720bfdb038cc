package io.ambient4j.ztunnel.xds;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts istiod only when its chain verifies against the configured root (PKIX, by the JDK) and its leaf names the
 * expected host ({@link ServerNames}). The TLS parameters turn the JDK's own endpoint identification off, so this is
 * the one name check, against the expected name rather than the dialled one. A refusal says which of the two failed.
 */
final class IstiodTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final String expectedHost;
    private final String rootSource;

    IstiodTrustManager(X509ExtendedTrustManager pkix, String expectedHost, String rootSource) {
        this.pkix = pkix;
        this.expectedHost = expectedHost;
        this.rootSource = rootSource;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw untrusted(chain, e);
        }
        checkName(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw untrusted(chain, e);
        }
        checkName(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw untrusted(chain, e);
        }
        checkName(chain);
    }

    private CertificateException untrusted(X509Certificate[] chain, CertificateException e) {
        String subject =
                chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName();
        return new CertificateException(
                "istiod's certificate (" + subject + ") is not trusted by the root " + rootSource + ": "
                        + e.getMessage(),
                e);
    }

    private void checkName(X509Certificate[] chain) throws CertificateException {
        List<ServerNames.San> sans = sans(chain[0]);
        if (!ServerNames.matches(sans, expectedHost)) {
            throw new CertificateException("istiod's certificate names "
                    + sans.stream().map(ServerNames.San::value).toList()
                    + ", not " + expectedHost
                    + " (set ALT_XDS_HOSTNAME / ALT_CA_HOSTNAME to the name the certificate carries)");
        }
    }

    private static List<ServerNames.San> sans(X509Certificate leaf) throws CertificateParsingException {
        Collection<List<?>> raw = leaf.getSubjectAlternativeNames();
        List<ServerNames.San> out = new ArrayList<>();
        if (raw != null) {
            for (List<?> entry : raw) {
                if (entry.size() >= 2 && entry.get(0) instanceof Integer type && entry.get(1) instanceof String v) {
                    out.add(new ServerNames.San(type, v));
                }
            }
        }
        return out;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client-side trust manager does not verify clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client-side trust manager does not verify clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client-side trust manager does not verify clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
