package io.ambient4j.common.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a peer chain against the mesh roots with PKIX (no hostname check: mesh peers are named by
 * SPIFFE IDs, not DNS), then the leaf's extended key usage, then a {@link PeerCheck}. The JDK's default
 * trust manager cannot be told to skip hostnames for server certs on a plain socket, hence our own.
 */
final class MeshTrustManager extends X509ExtendedTrustManager {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final List<X509Certificate> roots;
    private final PeerCheck check;

    MeshTrustManager(List<X509Certificate> roots, PeerCheck check) {
        if (roots == null || roots.isEmpty()) {
            throw new IllegalArgumentException("no trust roots given");
        }
        this.roots = List.copyOf(roots);
        this.check = check;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, CLIENT_AUTH, "client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, CLIENT_AUTH, "client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, CLIENT_AUTH, "client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, SERVER_AUTH, "server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, SERVER_AUTH, "server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, SERVER_AUTH, "server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return roots.toArray(new X509Certificate[0]);
    }

    private void verify(X509Certificate[] chain, String purpose, String role) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException(role + " sent no certificate");
        }
        X509Certificate leaf = chain[0];
        try {
            ChainValidation.validate(Arrays.asList(chain), roots, new Date());
        } catch (GeneralSecurityException e) {
            throw new CertificateException(
                    role + " certificate (URI SANs " + SpiffeSans.uris(leaf) + ", issuer "
                            + leaf.getIssuerX500Principal() + ") does not chain to the mesh roots: " + e.getMessage(),
                    e);
        }
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new CertificateException(role + " certificate extendedKeyUsage does not parse", e);
        }
        if (usages != null && !usages.contains(purpose)) {
            throw new CertificateException(role + " certificate extendedKeyUsage " + usages + " lacks " + purpose);
        }
        check.check(leaf);
    }
}
