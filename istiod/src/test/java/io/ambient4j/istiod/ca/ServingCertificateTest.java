package io.ambient4j.istiod.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.tls.MeshCa;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * istiod's 15012 certificate (C137 context): issued by the mesh CA's own DNS-certificate code, renewed at
 * half-life, and reissued at once when the CA changes.
 */
class ServingCertificateTest {
    private static final List<String> NAMES = ServingCertificate.defaultDnsNames("istio-system");

    @Test
    void C137_issuedByTheMeshCaWithIstiodNamesAndNotCappedByTheWorkloadMaximum() throws Exception {
        MeshCa ca =
                MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30)).withMaxTtl(Duration.ofHours(1));
        ServingCertificate.Issued issued = ServingCertificate.issue(ca, NAMES, Duration.ofHours(24));
        X509Certificate leaf = issued.leaf();
        leaf.verify(ca.root().getPublicKey());
        List<String> sans = leaf.getSubjectAlternativeNames().stream()
                .map(l -> String.valueOf(l.get(1)))
                .toList();
        assertThat(sans).containsExactlyElementsOf(NAMES);
        assertThat(Duration.between(Instant.now(), leaf.getNotAfter().toInstant()))
                .isGreaterThan(Duration.ofHours(23));
        assertThat(issued.chain().getLast()).isEqualTo(ca.root());

        // The CA's own expiry caps the lifetime.
        MeshCa shortCa = MeshCa.generateSelfSigned("cluster.local", Duration.ofHours(2));
        X509Certificate capped =
                ServingCertificate.issue(shortCa, NAMES, Duration.ofDays(365)).leaf();
        assertThat(capped.getNotAfter()).isEqualTo(shortCa.root().getNotAfter());
    }

    @Test
    void C137_renewalIsDueAtHalfLife() {
        MeshCa ca = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
        record Case(String name, Duration ttl, Duration expectedDelay) {}
        List<Case> cases = List.of(
                new Case("24h → 12h", Duration.ofHours(24), Duration.ofHours(12)),
                new Case("10 min → 5 min", Duration.ofMinutes(10), Duration.ofMinutes(5)),
                new Case("1s → the 1s floor", Duration.ofSeconds(1), ServingCertificate.MIN_RENEW_DELAY));
        for (Case c : cases) {
            ServingCertificate.Issued issued = ServingCertificate.issue(ca, NAMES, c.ttl());
            // notAfter is whole seconds; take "issued at" as notAfter - ttl so the expectation is exact.
            Instant issuedAt = issued.leaf().getNotAfter().toInstant().minus(c.ttl());
            assertThat(ServingCertificate.renewAt(issuedAt, issued.leaf()))
                    .as(c.name())
                    .isEqualTo(issuedAt.plus(c.expectedDelay()));
        }
    }

    @Test
    void C137_rotatorRenewsAtHalfLifeAndAtOnceOnCaChange() throws Exception {
        MeshCa first = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
        AtomicReference<MeshCa> ca = new AtomicReference<>(first);
        BlockingQueue<ServingCertificate.Issued> installed = new LinkedBlockingQueue<>();
        Duration ttl = Duration.ofSeconds(4);
        try (ServingCertRotator rotator = new ServingCertRotator(ca::get, NAMES, ttl, Clock.systemUTC())) {
            ServingCertificate.Issued initial = rotator.issueInitial();
            Instant started = Instant.now();
            rotator.start(installed::add);

            ServingCertificate.Issued renewed = installed.poll(10, TimeUnit.SECONDS);
            assertThat(renewed).as("renewed within 10 s").isNotNull();
            // Half-way from issue to notAfter (X.509 times are whole seconds, so not exactly ttl/2).
            Duration halfLife = Duration.between(
                            started, initial.leaf().getNotAfter().toInstant())
                    .dividedBy(2)
                    .minusMillis(100);
            assertThat(Duration.between(started, Instant.now()))
                    .as("not before half-life")
                    .isGreaterThanOrEqualTo(halfLife);
            assertThat(renewed.leaf().getSerialNumber())
                    .isNotEqualTo(initial.leaf().getSerialNumber());
            await().atMost(Duration.ofSeconds(5)).until(() -> rotator.current() == renewed);

            // A CA change: reissued at once (well before the next half-life), chaining to the new root.
            MeshCa second = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
            installed.clear();
            ca.set(second);
            Instant changed = Instant.now();
            rotator.caChanged();
            ServingCertificate.Issued afterChange = installed.poll(10, TimeUnit.SECONDS);
            assertThat(afterChange).isNotNull();
            afterChange.leaf().verify(second.root().getPublicKey());
            assertThat(afterChange.chain().getLast()).isEqualTo(second.root());
            assertThat(Duration.between(changed, Instant.now())).isLessThan(Duration.ofMillis(1400));
        }
        // Closed: no further renewals.
        installed.clear();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(installed::isEmpty);
    }
}
