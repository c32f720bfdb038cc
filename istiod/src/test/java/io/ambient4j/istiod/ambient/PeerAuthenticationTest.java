package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.peerAuth;
import static io.ambient4j.istiod.ambient.Fixtures.podUid;
import static io.ambient4j.istiod.ambient.Fixtures.readyPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.security.StringMatch;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.xds.TypeUrls;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PeerAuthentication → static and converted DENY policies: C052, C053. */
class PeerAuthenticationTest {
    private static final String STATIC = "istio-system/istio_converted_static_strict";
    private static final String T0 = "2026-01-01T00:00:00Z";
    private static final String T1 = "2026-01-02T00:00:00Z";

    private static Match notPrincipalsPresence() {
        return Match.newBuilder()
                .addNotPrincipals(StringMatch.newBuilder().setPresence(Empty.getDefaultInstance()))
                .build();
    }

    private static List<String> policies(AmbientIndex idx, String pod) {
        return Fixtures.workload(idx, podUid(pod)).getAuthorizationPoliciesList();
    }

    @Test
    void C052_namespaceStrictListsStaticPolicyOnEveryWorkload() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, readyPod("a", "10.0.0.1"), readyPod("b", "10.0.0.2"));
        var deltas = Fixtures.upsert(idx, peerAuth(NS, "strict", T0, null, "STRICT"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("a"), podUid("b"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.AUTHORIZATION)).containsExactly(STATIC);
        assertThat(policies(idx, "a")).containsExactly(STATIC);
        Authorization stat = Fixtures.authz(idx, STATIC);
        assertThat(stat.getAction()).isEqualTo(Action.DENY);
        assertThat(stat.getScope()).isEqualTo(Scope.WORKLOAD_SELECTOR);
        assertThat(stat.getNamespace()).isEqualTo("istio-system");
        assertThat(stat.getRulesList())
                .containsExactly(Rule.newBuilder()
                        .addClauses(Clause.newBuilder().addMatches(notPrincipalsPresence()))
                        .build());
    }

    @Test
    void C052_meshStrictAppliesEverywhereAndRemovalWithdrawsIt() {
        AmbientIndex idx = Fixtures.index();
        PeerAuthentication mesh = peerAuth("istio-system", "default", T0, null, "STRICT");
        Fixtures.upsert(idx, readyPod("a", "10.0.0.1"), mesh);
        assertThat(policies(idx, "a")).containsExactly(STATIC);
        var deltas = Fixtures.delete(idx, mesh);
        assertThat(Fixtures.removed(deltas, TypeUrls.AUTHORIZATION)).containsExactly(STATIC);
        assertThat(policies(idx, "a")).isEmpty();
    }

    @Test
    void C053_workloadPermissiveUnderStrictNamespaceRemovesStatic() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                readyPod("a", "10.0.0.1", "app", "a"),
                readyPod("b", "10.0.0.2", "app", "b"),
                peerAuth(NS, "ns-strict", T0, null, "STRICT"),
                peerAuth(NS, "a-permissive", T0, labels("app", "a"), "PERMISSIVE"));
        assertThat(policies(idx, "a")).isEmpty();
        assertThat(policies(idx, "b")).containsExactly(STATIC);
    }

    @Test
    void C053_disableAndPermissiveProduceNoPolicy() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                readyPod("a", "10.0.0.1"),
                peerAuth(NS, "disable", T0, null, "DISABLE"),
                peerAuth("istio-system", "mesh", T0, null, "PERMISSIVE"));
        assertThat(policies(idx, "a")).isEmpty();
        assertThat(idx.snapshot(TypeUrls.AUTHORIZATION)).containsOnlyKeys(STATIC);
    }

    @Test
    void C053_rootNamespacePolicyWithSelectorIsIgnored() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                readyPod("a", "10.0.0.1", "app", "a"),
                peerAuth("istio-system", "sel", T0, labels("app", "a"), "STRICT"));
        assertThat(policies(idx, "a")).isEmpty();
    }

    @Test
    void C053_oldestNamespacePolicyWins() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                readyPod("a", "10.0.0.1"),
                peerAuth(NS, "newer-strict", T1, null, "STRICT"),
                peerAuth(NS, "older-permissive", T0, null, "PERMISSIVE"));
        assertThat(policies(idx, "a")).isEmpty();
        Fixtures.upsert(idx, peerAuth(NS, "older-permissive", T0, null, "STRICT"));
        assertThat(policies(idx, "a")).containsExactly(STATIC);
    }

    @Test
    void C053_portLevelPermissiveUnderStrictBecomesOneGroup() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                readyPod("a", "10.0.0.1", "app", "a"),
                peerAuth(NS, "ports", T0, labels("app", "a"), "STRICT", "9090", "PERMISSIVE"));
        String key = NS + "/converted_peer_authentication_ports";
        assertThat(policies(idx, "a")).containsExactly(key);
        Authorization a = Fixtures.authz(idx, key);
        assertThat(a.getAction()).isEqualTo(Action.DENY);
        assertThat(a.getScope()).isEqualTo(Scope.WORKLOAD_SELECTOR);
        assertThat(a.getRulesList())
                .containsExactly(Rule.newBuilder()
                        .addClauses(Clause.newBuilder().addMatches(notPrincipalsPresence()))
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder().addNotDestinationPorts(9090)))
                        .build());
    }

    @Test
    void C053_portLevelStrictUnderPermissiveGetsPerPortGroup() {
        PeerAuthentication pa = peerAuth(NS, "p", T0, labels("app", "a"), "PERMISSIVE", "8443", "STRICT");
        Authorization a = PeerAuthConverter.convert("istio-system", pa, null, null);
        assertThat(a.getRulesList())
                .containsExactly(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(notPrincipalsPresence().toBuilder().addDestinationPorts(8443)))
                        .build());
        assertThat(PeerAuthConverter.effectiveKeys("istio-system", List.of(pa)))
                .containsExactly(NS + "/converted_peer_authentication_p");
    }

    @Test
    void C053_unsetWorkloadModeMergesNamespaceStrict() {
        PeerAuthentication ns = peerAuth(NS, "ns", T0, null, "STRICT");
        PeerAuthentication wl = peerAuth(NS, "wl", T0, labels("app", "a"), null, "9090", "PERMISSIVE");
        Authorization a = PeerAuthConverter.convert("istio-system", wl, ns, null);
        assertThat(a.getRulesList())
                .containsExactly(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder().addNotDestinationPorts(9090)))
                        .addClauses(Clause.newBuilder().addMatches(notPrincipalsPresence()))
                        .build());
        assertThat(PeerAuthConverter.effectiveKeys("istio-system", List.of(ns, wl)))
                .containsExactly(NS + "/converted_peer_authentication_wl");
        // all ports STRICT under STRICT: no policy of its own
        PeerAuthentication allStrict = peerAuth(NS, "s", T0, labels("app", "a"), "STRICT", "9090", "STRICT");
        assertThat(PeerAuthConverter.convert("istio-system", allStrict, null, null))
                .isNull();
    }
}
