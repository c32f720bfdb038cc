package io.ambient4j.istiod.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** C137: the roots istio-ca-root-cert publishes across CA changes (a pure function of the time). */
class RootTransitionTest {
    private static final MeshCa A = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
    private static final MeshCa B = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
    private static final MeshCa C = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(30));
    private static final MeshCa SHORT = MeshCa.generateSelfSigned("cluster.local", Duration.ofHours(1));
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void C137_publishedRootsTable() {
        Instant t0 = Instant.now();
        RootTransition start = RootTransition.of(A);
        RootTransition ab = start.changedTo(B, t0, DAY);
        RootTransition abc = ab.changedTo(C, t0.plus(Duration.ofHours(12)), DAY);
        RootTransition back = ab.changedTo(A, t0.plus(Duration.ofHours(1)), DAY);
        RootTransition fromShort = RootTransition.of(SHORT).changedTo(A, t0, DAY);
        record Case(String name, RootTransition t, Instant at, List<X509Certificate> expected) {}
        List<Case> cases = List.of(
                new Case("no change: the CA's roots", start, t0, List.of(A.root())),
                new Case("just changed: new then old", ab, t0, List.of(B.root(), A.root())),
                new Case("within the period", ab, t0.plus(Duration.ofHours(23)), List.of(B.root(), A.root())),
                new Case("period over: new only", ab, t0.plus(DAY), List.of(B.root())),
                new Case(
                        "second change keeps the first deadline",
                        abc,
                        t0.plus(Duration.ofHours(13)),
                        List.of(C.root(), A.root(), B.root())),
                new Case("first deadline passes", abc, t0.plus(Duration.ofHours(25)), List.of(C.root(), B.root())),
                new Case(
                        "changing back: old is current again, once",
                        back,
                        t0.plus(Duration.ofHours(2)),
                        List.of(A.root(), B.root())),
                new Case(
                        "an old root that expires sooner leaves then",
                        fromShort,
                        t0.plus(Duration.ofHours(2)),
                        List.of(A.root())));
        for (Case c : cases) {
            assertThat(c.t().published(c.at())).as(c.name()).containsExactlyElementsOf(c.expected());
        }
        assertThat(Pem.decodeCertificates(ab.publishedPem(t0))).containsExactly(B.root(), A.root());
    }

    @Test
    void C137_nextChangeSchedulesTheRepublish() {
        Instant t0 = Instant.now();
        RootTransition ab = RootTransition.of(A).changedTo(B, t0, DAY);
        assertThat(ab.nextChange(t0)).contains(t0.plus(DAY));
        assertThat(ab.nextChange(t0.plus(DAY))).isEmpty();
        assertThat(RootTransition.of(A).nextChange(t0)).isEqualTo(Optional.empty());
    }
}
