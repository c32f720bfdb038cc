package io.ambient4j.common.tls;

import io.ambient4j.common.identity.InvalidIdentityException;
import io.ambient4j.common.identity.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads subject alternative names from certificates; shared by the trust managers and the CA. */
public final class SpiffeSans {

    private static final int DNS = 2;
    private static final int URI = 6;

    private SpiffeSans() {}

    /** Every URI SAN of the certificate, in order. */
    public static List<String> uris(X509Certificate cert) {
        return names(cert, URI);
    }

    /** Every DNS SAN of the certificate, in order. */
    public static List<String> dnsNames(X509Certificate cert) {
        return names(cert, DNS);
    }

    /** The URI SANs that parse as mesh identities. */
    public static List<SpiffeId> identities(X509Certificate cert) {
        List<SpiffeId> out = new ArrayList<>();
        for (String uri : uris(cert)) {
            try {
                out.add(SpiffeId.parse(uri));
            } catch (InvalidIdentityException e) {
                // Not a mesh identity: other URI SANs are allowed and simply not identities.
            }
        }
        return List.copyOf(out);
    }

    /** The certificate's one mesh identity; a {@link TlsException} when there is none or several. */
    public static SpiffeId singleIdentity(X509Certificate cert) {
        List<SpiffeId> ids = identities(cert);
        if (ids.size() != 1) {
            throw new TlsException(
                    TlsException.Reason.NO_PEER_IDENTITY,
                    "certificate " + cert.getSubjectX500Principal() + " has " + ids.size()
                            + " SPIFFE URI SANs (URI SANs: " + uris(cert) + "), expected exactly 1");
        }
        return ids.getFirst();
    }

    private static List<String> names(X509Certificate cert, int type) {
        Collection<List<?>> all;
        try {
            all = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new TlsException(
                    TlsException.Reason.NO_PEER_IDENTITY,
                    "certificate SAN extension does not parse: " + e.getMessage(),
                    e);
        }
        if (all == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (List<?> entry : all) {
            if (entry.size() >= 2
                    && entry.get(0) instanceof Integer t
                    && t == type
                    && entry.get(1) instanceof String s) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
