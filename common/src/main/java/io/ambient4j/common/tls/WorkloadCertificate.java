package io.ambient4j.common.tls;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.TlsException.Reason;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * A workload certificate as ztunnel holds it after a CA call: the key and chain it presents, the roots
 * it verifies peers with (taken from the last {@code cert_chain} element, as upstream does), and when to
 * renew (half-way through the lifetime, spec §4). {@link #fromCaResponse} is the client-side check of an
 * {@code IstioCertificateResponse}: right identity, right key, a chain that verifies.
 */
public record WorkloadCertificate(CertifiedKey certifiedKey, List<X509Certificate> roots) {

    public WorkloadCertificate {
        Objects.requireNonNull(certifiedKey, "certifiedKey");
        if (roots == null || roots.isEmpty()) {
            throw new IllegalArgumentException("no roots");
        }
        roots = List.copyOf(roots);
    }

    /**
     * Checks a CA response for a CSR made with {@code key} and requesting {@code requested}:
     * {@code certChain} is leaf first, then intermediates, and its last element holds one or more roots.
     */
    public static WorkloadCertificate fromCaResponse(PrivateKey key, List<String> certChain, SpiffeId requested) {
        if (certChain == null || certChain.size() < 2) {
            throw new TlsException(
                    Reason.UNTRUSTED_CHAIN,
                    "CA response has " + (certChain == null ? 0 : certChain.size())
                            + " cert_chain elements; expected the leaf and at least one root");
        }
        List<X509Certificate> chain = new ArrayList<>();
        List<X509Certificate> roots;
        try {
            for (String pem : certChain.subList(0, certChain.size() - 1)) {
                chain.addAll(Pem.decodeCertificates(pem));
            }
            roots = Pem.decodeCertificates(certChain.getLast());
        } catch (PemException e) {
            throw new TlsException(Reason.UNTRUSTED_CHAIN, "CA response cert_chain: " + e.getMessage(), e);
        }
        X509Certificate leaf = chain.getFirst();
        SpiffeId issued = SpiffeSans.singleIdentity(leaf);
        if (!issued.equals(requested)) {
            throw new TlsException(
                    Reason.WRONG_IDENTITY, "CA issued a certificate for " + issued + ", requested " + requested);
        }
        checkPair(key, leaf);
        try {
            ChainValidation.validate(chain, roots, new Date());
        } catch (GeneralSecurityException e) {
            throw new TlsException(
                    Reason.UNTRUSTED_CHAIN,
                    "CA response chain for " + issued + " does not verify against its roots: " + e.getMessage(),
                    e);
        }
        List<X509Certificate> presented = new ArrayList<>(chain);
        presented.addAll(roots);
        return new WorkloadCertificate(new CertifiedKey(key, presented), roots);
    }

    public SpiffeId identity() {
        return certifiedKey.identity();
    }

    public Instant notBefore() {
        return certifiedKey.leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certifiedKey.leaf().getNotAfter().toInstant();
    }

    /** When to fetch a new certificate: half-way between notBefore and notAfter. */
    public Instant refreshAt() {
        Duration lifetime = Duration.between(notBefore(), notAfter());
        return notBefore().plus(lifetime.dividedBy(2));
    }

    /** Whether the leaf is inside its validity window at {@code now}. */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(notBefore()) && now.isBefore(notAfter());
    }

    private static void checkPair(PrivateKey key, X509Certificate leaf) {
        String mismatch = KeyChecks.mismatch(key, leaf.getPublicKey());
        if (mismatch != null) {
            throw new TlsException(
                    Reason.KEY_MISMATCH, "the issued certificate does not fit the CSR's key: " + mismatch);
        }
    }
}
