package io.ambient4j.common.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PKIX path validation with the JDK, in a class of its own so that checking a CA response (ztunnel) does not link
 * {@link MeshCa} and with it BouncyCastle.
 */
final class ChainValidation {
    private ChainValidation() {}

    /** Validates {@code path} (leaf first; roots in it are dropped) against {@code roots} at {@code at}. */
    static void validate(List<X509Certificate> path, List<X509Certificate> roots, Date at)
            throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate root : roots) {
            anchors.add(new TrustAnchor(root, null));
        }
        List<X509Certificate> withoutAnchors = new ArrayList<>(path);
        withoutAnchors.removeIf(roots::contains);
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.setRevocationEnabled(false);
        parameters.setDate(at);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(withoutAnchors), parameters);
    }
}
