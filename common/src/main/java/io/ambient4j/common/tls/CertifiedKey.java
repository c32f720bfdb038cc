package io.ambient4j.common.tls;

import io.ambient4j.common.identity.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with the certificate chain it presents in a TLS handshake (leaf first). This is what
 * a workload identity amounts to at runtime: ztunnel holds one per local service account, istiod one for
 * its serving certificate.
 */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {

    public CertifiedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
        chain = List.copyOf(chain);
    }

    /** The end-entity certificate. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** The SPIFFE identity in the leaf's URI SAN. */
    public SpiffeId identity() {
        return SpiffeSans.singleIdentity(leaf());
    }

    /** Leaf plus chain as PEM, leaf first. */
    public String chainPem() {
        return Pem.encodeCertificates(chain);
    }

    /** The key as PKCS#8 PEM. */
    public String keyPem() {
        return Pem.encodePrivateKey(key);
    }
}
