package io.ambient4j.common.tls;

import io.ambient4j.common.identity.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a verified peer leaf must additionally carry, beyond chaining to the mesh roots. Each check is a
 * pure function of the leaf, so its messages (seen vs expected) are tested without a handshake.
 */
@FunctionalInterface
public interface PeerCheck {

    /** Throws with a message naming what was seen and what was expected. */
    void check(X509Certificate leaf) throws CertificateException;

    /** No check beyond the chain (istiod's 15012 takes identity from the cert later, or from a JWT). */
    static PeerCheck none() {
        return leaf -> {};
    }

    /** Inbound HBONE: the peer's SPIFFE trust domain must equal ours (upstream's TrustDomainVerifier). */
    static PeerCheck trustDomain(String required) {
        return leaf -> {
            List<SpiffeId> ids = SpiffeSans.identities(leaf);
            if (ids.isEmpty()) {
                throw new CertificateException("peer certificate has no SPIFFE URI SAN (URI SANs seen: "
                        + SpiffeSans.uris(leaf) + "); expected trust domain " + required);
            }
            for (SpiffeId id : ids) {
                if (id.trustDomain().equals(required)) {
                    return;
                }
            }
            throw new CertificateException(
                    "peer trust domain mismatch: saw " + ids + ", expected trust domain " + required);
        };
    }

    /** Outbound HBONE: the server leaf's URI SAN must be one of the expected identities. */
    static PeerCheck oneOf(Set<SpiffeId> expected) {
        Set<SpiffeId> copy = Set.copyOf(expected);
        return leaf -> {
            List<SpiffeId> ids = SpiffeSans.identities(leaf);
            for (SpiffeId id : ids) {
                if (copy.contains(id)) {
                    return;
                }
            }
            Set<String> sorted = new TreeSet<>();
            copy.forEach(id -> sorted.add(id.uri()));
            throw new CertificateException(
                    "peer identity mismatch: saw URI SANs " + SpiffeSans.uris(leaf) + ", expected one of " + sorted);
        };
    }

    /** ztunnel to istiod: the server leaf must carry {@code dnsName} as a DNS SAN (case-insensitive). */
    static PeerCheck dnsName(String dnsName) {
        String expected = dnsName.toLowerCase(Locale.ROOT);
        return leaf -> {
            List<String> names = SpiffeSans.dnsNames(leaf);
            for (String name : names) {
                if (name.toLowerCase(Locale.ROOT).equals(expected)) {
                    return;
                }
            }
            throw new CertificateException("server DNS name mismatch: saw DNS SANs " + names + ", expected " + dnsName);
        };
    }
}
