package io.ambient4j.common.testing;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.Mtls;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * A throw-away mesh CA for tests in every module: one call gives a {@link CertifiedKey} for a SPIFFE ID,
 * issued through the real CSR and CA path (so a test never holds a certificate the product could not
 * have issued), plus ready mTLS contexts.
 */
public final class TestPki {

    private final MeshCa ca;

    private TestPki(MeshCa ca) {
        this.ca = ca;
    }

    /** A fresh self-signed CA for trust domain {@code cluster.local}. */
    public static TestPki create() {
        return create(SpiffeId.DEFAULT_TRUST_DOMAIN);
    }

    /** A fresh self-signed CA (one-day root) naming {@code trustDomain} in its subject. */
    public static TestPki create(String trustDomain) {
        return new TestPki(MeshCa.generateSelfSigned(trustDomain, Duration.ofDays(1)));
    }

    /** Wraps an existing CA. */
    public static TestPki of(MeshCa ca) {
        return new TestPki(ca);
    }

    public MeshCa ca() {
        return ca;
    }

    public List<X509Certificate> roots() {
        return ca.roots();
    }

    /** A key and chain (leaf first, root last) for {@code id}, valid for an hour. */
    public CertifiedKey issue(SpiffeId id) {
        return issue(id, Duration.ofHours(1));
    }

    public CertifiedKey issue(SpiffeId id, Duration ttl) {
        Csr.KeyAndCsr request = Csr.create(id);
        X509Certificate leaf = ca.signCsr(request.csrPem(), id, ttl);
        return new CertifiedKey(request.key(), ca.chainFor(leaf));
    }

    /**
     * A key and chain issued as if the CA's clock read {@code clock} (e.g. already expired, or not yet
     * valid), for expiry and rotation tests.
     */
    public CertifiedKey issue(SpiffeId id, Clock clock, Duration ttl) {
        Csr.KeyAndCsr request = Csr.create(id);
        X509Certificate leaf = ca.withClock(clock).signCsr(request.csrPem(), id, ttl);
        return new CertifiedKey(request.key(), ca.chainFor(leaf));
    }

    /** {@code spiffe://cluster.local/ns/<ns>/sa/<sa>}. */
    public CertifiedKey issue(String namespace, String serviceAccount) {
        return issue(SpiffeId.of("", namespace, serviceAccount));
    }

    /** Inbound HBONE context for {@code own}, requiring peers in {@code own}'s trust domain. */
    public SSLContext serverContext(CertifiedKey own) {
        return Mtls.serverContext(own, roots(), own.identity().trustDomain());
    }

    /** Outbound HBONE context presenting {@code own} and accepting only {@code expected} servers. */
    public SSLContext clientContext(CertifiedKey own, SpiffeId... expected) {
        return Mtls.clientContext(own, roots(), Set.of(expected));
    }
}
