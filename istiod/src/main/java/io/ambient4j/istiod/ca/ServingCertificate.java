package io.ambient4j.istiod.ca;

import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.MeshCa;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * istiod's own TLS certificate for port 15012, signed by the mesh CA with DNS SANs such as
 * {@code istiod.istio-system.svc}: ztunnel dials {@code istiod.istio-system.svc:15012} and verifies the
 * server against {@code root-cert.pem}, exactly as it would with upstream istiod. Signing is the mesh CA's
 * own {@link MeshCa#issueDnsCertificate} (one piece of code for every leaf the CA issues); this class only
 * names istiod's DNS names and says when a certificate is due for renewal ({@link ServingCertRotator} acts on
 * it).
 */
public final class ServingCertificate {
    /** Never renew sooner than this after issuing, even if the CA caps the lifetime to almost nothing. */
    static final Duration MIN_RENEW_DELAY = Duration.ofSeconds(1);

    /** istiod's DNS names in namespace {@code ns} (upstream's defaults for the {@code istiod} Service). */
    public static List<String> defaultDnsNames(String ns) {
        return List.of(
                "istiod." + ns + ".svc",
                "istiod." + ns + ".svc.cluster.local",
                "istiod." + ns,
                "istiod",
                "istio-pilot." + ns + ".svc",
                "localhost");
    }

    /** A key and its chain, leaf first. */
    public record Issued(PrivateKey key, List<X509Certificate> chain) {
        public Issued {
            chain = List.copyOf(chain);
        }

        public X509Certificate leaf() {
            return chain.getFirst();
        }
    }

    private ServingCertificate() {}

    /**
     * Issues a serving certificate from the mesh CA (fresh P-256 key); the chain runs leaf first, roots last.
     * The lifetime is {@code ttl}, capped by the CA's expiry (not by its workload-certificate maximum).
     */
    public static Issued issue(MeshCa ca, List<String> dnsNames, Duration ttl) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one DNS name");
        }
        CertifiedKey ck = ca.withMaxTtl(ttl).issueDnsCertificate(dnsNames, ttl);
        return new Issued(ck.key(), ck.chain());
    }

    /**
     * When a certificate issued at {@code issuedAt} is due for renewal: half-way to its expiry, as istio-agent
     * and upstream's DNS-certificate rotation do (grace period ratio 0.5). Measured from the issue time, not
     * the back-dated notBefore, and never sooner than {@link #MIN_RENEW_DELAY} after issuing.
     */
    public static Instant renewAt(Instant issuedAt, X509Certificate leaf) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant half = issuedAt.plus(Duration.between(issuedAt, notAfter).dividedBy(2));
        Instant earliest = issuedAt.plus(MIN_RENEW_DELAY);
        return half.isBefore(earliest) ? earliest : half;
    }
}
