package io.ambient4j.istiod.ca;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code istio-ca-root-cert} publishes across a CA change. Workloads keep certificates from the old CA
 * until they renew, so for a transition period the published bundle holds the new roots and the roots they
 * replaced: a ztunnel that picks up the bundle trusts peers (and istiod) on either side of the change. After
 * the period (by default one default workload-certificate lifetime, by when every workload has renewed) or
 * when an old root expires, it drops out.
 *
 * <p>Immutable: a CA change yields a new value; {@link #published} is a pure function of the time.
 *
 * @param current the roots of the CA in use
 * @param retired roots replaced by a CA change, each with the end of its transition
 */
public record RootTransition(List<X509Certificate> current, List<Retired> retired) {
    /** How long replaced roots stay published. */
    public static final Duration DEFAULT_PERIOD = MeshCa.DEFAULT_TTL;

    /** A replaced root and when it stops being published. */
    public record Retired(X509Certificate root, Instant until) {}

    public RootTransition {
        current = List.copyOf(current);
        retired = List.copyOf(retired);
    }

    /** The start: only the CA's own roots. */
    public static RootTransition of(MeshCa ca) {
        return new RootTransition(ca.roots(), List.of());
    }

    /**
     * After the CA changed to {@code next} at {@code now}: the roots it no longer has stay for {@code period}
     * (or until they expire, if sooner); roots retired earlier keep their own deadline; a root that comes back
     * is current again.
     */
    public RootTransition changedTo(MeshCa next, Instant now, Duration period) {
        List<X509Certificate> nextRoots = next.roots();
        List<Retired> out = new ArrayList<>();
        for (Retired r : retired) {
            if (!nextRoots.contains(r.root()) && r.until().isAfter(now)) {
                out.add(r);
            }
        }
        for (X509Certificate old : current) {
            if (!nextRoots.contains(old)) {
                Instant until = now.plus(period);
                Instant expiry = old.getNotAfter().toInstant();
                out.add(new Retired(old, expiry.isBefore(until) ? expiry : until));
            }
        }
        return new RootTransition(nextRoots, out);
    }

    /** The roots to publish at {@code now}: current first, then retired ones still in their transition. */
    public List<X509Certificate> published(Instant now) {
        Set<X509Certificate> out = new LinkedHashSet<>(current);
        for (Retired r : retired) {
            if (r.until().isAfter(now)) {
                out.add(r.root());
            }
        }
        return List.copyOf(out);
    }

    /** {@link #published} as the PEM that goes into {@code root-cert.pem}. */
    public String publishedPem(Instant now) {
        return Pem.encodeCertificates(published(now));
    }

    /** When the published bundle next shrinks (to republish then), if a transition is running. */
    public Optional<Instant> nextChange(Instant now) {
        return retired.stream().map(Retired::until).filter(t -> t.isAfter(now)).min(Instant::compareTo);
    }
}
