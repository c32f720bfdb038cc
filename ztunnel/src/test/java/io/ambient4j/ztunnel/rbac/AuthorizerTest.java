package io.ambient4j.ztunnel.rbac;

import static io.ambient4j.ztunnel.rbac.RbacFixtures.dryRun;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.exact;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.from;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.policy;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.presence;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.single;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.tls;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.rbac.Decision.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision order (C084) and the end-to-end policy shapes istiod sends (C052, C060, C077–C087). */
class AuthorizerTest {
    private static final SpiffeId SRC = new SpiffeId("cluster.local", "echo", "src");
    private static final SpiffeId WAYPOINT = new SpiffeId("cluster.local", "echo", "waypoint");
    private static final SpiffeId OTHER = new SpiffeId("cluster.local", "something", "else");

    private static Authorization allowPrincipals(String name, String... principals) {
        return single(
                name,
                PolicyAction.ALLOW,
                RbacMatch.builder()
                        .principals(
                                Stream.of(principals).map(RbacFixtures::exact).toList())
                        .build());
    }

    /** istiod's STRICT conversion: DENY when the peer has no identity. */
    private static Authorization strict() {
        return new Authorization(
                "istio_converted_static_strict",
                "istio-system",
                PolicyScope.WORKLOAD_SELECTOR,
                PolicyAction.DENY,
                List.of(List.of(List.of(
                        RbacMatch.builder().notPrincipals(List.of(presence())).build()))),
                false);
    }

    @Test
    void C084_noAllowPoliciesAllows() {
        Decision d = Authorizer.evaluate(tls(), List.of());
        assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED_NO_ALLOW_POLICIES);
        assertThat(d.policy()).isEmpty();
    }

    @Test
    void C084_nonMatchingDenyOnlyStillAllows() {
        Authorization deny = single(
                "deny-9090",
                PolicyAction.DENY,
                RbacMatch.builder().destinationPorts(List.of(9090)).build());
        assertThat(Authorizer.evaluate(tls(), List.of(deny)).outcome()).isEqualTo(Outcome.ALLOWED_NO_ALLOW_POLICIES);
    }

    @Test
    void C084_matchingDenyTakesPrecedenceOverMatchingAllow() {
        Authorization allow = single(
                "allow-all-ports",
                PolicyAction.ALLOW,
                RbacMatch.builder().destinationPorts(List.of(8080)).build());
        Authorization deny = single(
                "deny-8080",
                PolicyAction.DENY,
                RbacMatch.builder().destinationPorts(List.of(8080)).build());
        Decision d = Authorizer.evaluate(tls(), List.of(allow, deny));
        assertThat(d.outcome()).isEqualTo(Outcome.EXPLICITLY_DENIED);
        assertThat(d.policy()).contains("ns/deny-8080");
        assertThat(d.allowed()).isFalse();
    }

    @Test
    void C084_matchingAllowAllowsAndIsNamed() {
        Authorization miss = single(
                "miss",
                PolicyAction.ALLOW,
                RbacMatch.builder().destinationPorts(List.of(1)).build());
        Authorization hit = single(
                "hit",
                PolicyAction.ALLOW,
                RbacMatch.builder().destinationPorts(List.of(8080)).build());
        Decision d = Authorizer.evaluate(tls(), List.of(miss, hit));
        assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED_BY_POLICY);
        assertThat(d.policy()).contains("ns/hit");
    }

    @Test
    void C084_allowPoliciesNoneMatchingIsNotAllowed() {
        Authorization miss = single(
                "miss",
                PolicyAction.ALLOW,
                RbacMatch.builder().destinationPorts(List.of(1)).build());
        Decision d = Authorizer.evaluate(tls(), List.of(miss));
        assertThat(d.outcome()).isEqualTo(Outcome.NOT_ALLOWED);
        assertThat(d.policy()).isEmpty();
    }

    static Stream<Arguments> principals() {
        return Stream.of(
                Arguments.of("listed source", SRC, true),
                Arguments.of("listed waypoint", WAYPOINT, true),
                Arguments.of("other identity", OTHER, false),
                Arguments.of("no identity (outside the mesh)", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void C081_allowByPrincipal(String who, SpiffeId id, boolean allowed) {
        Authorization p =
                allowPrincipals("allow-src", "cluster.local/ns/echo/sa/src", "cluster.local/ns/echo/sa/waypoint");
        assertThat(Authorizer.evaluate(from(id, 19090), List.of(p)).allowed()).isEqualTo(allowed);
    }

    @Test
    void C081_denyByPrincipal() {
        Authorization p = allowPrincipals("allow-else", "cluster.local/ns/something/sa/else");
        Decision d = Authorizer.evaluate(from(SRC, 19090), List.of(p));
        assertThat(d.outcome()).isEqualTo(Outcome.NOT_ALLOWED);
    }

    @Test
    void C082_rootNamespaceAllowNothingDeniesEverything() {
        // An AuthorizationPolicy with an empty spec in the root namespace: GLOBAL ALLOW without rules.
        Authorization allowNothing = new Authorization(
                "allow-nothing", "istio-system", PolicyScope.GLOBAL, PolicyAction.ALLOW, List.of(), false);
        assertThat(Authorizer.evaluate(from(SRC, 80), List.of(allowNothing)).outcome())
                .isEqualTo(Outcome.NOT_ALLOWED);
        assertThat(Authorizer.evaluate(from(WAYPOINT, 80), List.of(allowNothing))
                        .outcome())
                .isEqualTo(Outcome.NOT_ALLOWED);
        assertThat(Authorizer.evaluate(from(null, 80), List.of(allowNothing)).outcome())
                .isEqualTo(Outcome.NOT_ALLOWED);
    }

    @Test
    void C087_l7OnlyAllowDeniesEverything() {
        // istiod drops every rule that uses HTTP attributes from an ALLOW; the policy arrives with no rules left.
        Authorization l7Only = policy("allow-get-only", PolicyAction.ALLOW, List.of());
        assertThat(Authorizer.evaluate(from(SRC, 18080), List.of(l7Only)).allowed())
                .isFalse();
    }

    @Test
    void C077_permissiveNoPolicyAllowsPlaintextAndMtls() {
        assertThat(Authorizer.evaluate(from(null, 19090), List.of()).allowed()).isTrue();
        assertThat(Authorizer.evaluate(from(SRC, 19090), List.of()).allowed()).isTrue();
    }

    @Test
    void C078_strictDeniesPlaintextAllowsMtls() {
        Decision plain = Authorizer.evaluate(from(null, 19090), List.of(strict()));
        assertThat(plain.outcome()).isEqualTo(Outcome.EXPLICITLY_DENIED);
        assertThat(plain.policy()).contains("istio-system/istio_converted_static_strict");
        assertThat(Authorizer.evaluate(from(SRC, 19090), List.of(strict())).allowed())
                .isTrue();
    }

    @Test
    void C052_portLevelPermissiveCarvesOutOnePort() {
        // STRICT with port 9090 PERMISSIVE: one group, two AND-ed rules (§8.1).
        Authorization p = policy(
                "converted_peer_authentication_pa",
                PolicyAction.DENY,
                List.of(List.of(
                        List.of(RbacMatch.builder()
                                .notPrincipals(List.of(presence()))
                                .build()),
                        List.of(RbacMatch.builder()
                                .notDestinationPorts(List.of(9090))
                                .build()))));
        assertThat(Authorizer.evaluate(from(null, 9090), List.of(p)).allowed()).isTrue();
        assertThat(Authorizer.evaluate(from(null, 8080), List.of(p)).allowed()).isFalse();
        assertThat(Authorizer.evaluate(from(SRC, 8080), List.of(p)).allowed()).isTrue();
    }

    @Test
    void C060_allowFromWaypointPrincipals() {
        Authorization p = allowPrincipals(
                "istio_allow_waypoint_echo_waypoint-ns",
                "cluster.local/ns/echo/sa/namespace-wide",
                "cluster.local/ns/echo/sa/waypoint-sa");
        assertThat(Authorizer.evaluate(from(new SpiffeId("cluster.local", "echo", "waypoint-sa"), 80), List.of(p))
                        .allowed())
                .isTrue();
        assertThat(Authorizer.evaluate(from(SRC, 80), List.of(p)).allowed()).isFalse();
    }

    static Stream<Arguments> stringForms() {
        return Stream.of(
                Arguments.of("exact", exact("cluster.local/ns/echo/sa/src"), true),
                Arguments.of("prefix (prefix-*)", new StringMatch.Prefix("cluster.local/ns/echo/"), true),
                Arguments.of("suffix (*-suffix)", new StringMatch.Suffix("/sa/src"), true),
                Arguments.of("presence (*)", presence(), true),
                Arguments.of("prefix miss", new StringMatch.Prefix("cluster.local/ns/other/"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stringForms")
    void C056_principalStringForms(String form, StringMatch m, boolean allowed) {
        Authorization p = single(
                "p",
                PolicyAction.ALLOW,
                RbacMatch.builder().principals(List.of(m)).build());
        assertThat(Authorizer.evaluate(from(SRC, 80), List.of(p)).allowed()).isEqualTo(allowed);
    }

    @Test
    void C056_serviceAccountAndNamespaceMatches() {
        Authorization sa = single(
                "sa",
                PolicyAction.ALLOW,
                RbacMatch.builder()
                        .serviceAccounts(List.of(new ServiceAccountMatch("echo", "src")))
                        .build());
        Authorization ns = single(
                "ns",
                PolicyAction.ALLOW,
                RbacMatch.builder()
                        .namespaces(List.of(new StringMatch.Prefix("ech")))
                        .build());
        assertThat(Authorizer.evaluate(from(SRC, 80), List.of(sa)).allowed()).isTrue();
        assertThat(Authorizer.evaluate(from(OTHER, 80), List.of(sa)).allowed()).isFalse();
        assertThat(Authorizer.evaluate(from(SRC, 80), List.of(ns)).allowed()).isTrue();
        assertThat(Authorizer.evaluate(from(OTHER, 80), List.of(ns)).allowed()).isFalse();
    }

    @Test
    void dryRunDenyIsReportedButNotEnforced() {
        Authorization deny = dryRun(single(
                "dry-deny",
                PolicyAction.DENY,
                RbacMatch.builder().destinationPorts(List.of(8080)).build()));
        Decision d = Authorizer.evaluate(tls(), List.of(deny));
        assertThat(d.allowed()).isTrue();
        assertThat(d.dryRunMatches()).containsExactly("ns/dry-deny");
    }

    @Test
    void dryRunAllowDoesNotStartDefaultDeny() {
        Authorization allow = dryRun(single(
                "dry-allow",
                PolicyAction.ALLOW,
                RbacMatch.builder().destinationPorts(List.of(1)).build()));
        Decision d = Authorizer.evaluate(tls(), List.of(allow));
        assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED_NO_ALLOW_POLICIES);
        assertThat(d.dryRunMatches()).isEmpty();
        assertThat(d.policy()).isEqualTo(Optional.empty());
    }
}
