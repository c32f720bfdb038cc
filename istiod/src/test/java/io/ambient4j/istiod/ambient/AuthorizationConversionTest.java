package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Address;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.security.ServiceAccountMatch;
import io.ambient4j.api.security.StringMatch;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicySpec;
import io.ambient4j.istiod.kube.crd.PolicyTargetReference;
import io.ambient4j.istiod.kube.crd.WorkloadSelector;
import io.ambient4j.istiod.xds.TypeUrls;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AuthorizationPolicy → Authorization and status: C055, C056, C058, bad input. */
class AuthorizationConversionTest {
    private static final MeshSettings MESH = MeshSettings.defaults();

    private static AuthorizationConverter.Converted convert(String ns, AuthorizationPolicySpec spec) {
        return AuthorizationConverter.convert(policy(ns, "pol", spec), MESH);
    }

    private static StringMatch exact(String s) {
        return StringMatch.newBuilder().setExact(s).build();
    }

    private static StringMatch prefix(String s) {
        return StringMatch.newBuilder().setPrefix(s).build();
    }

    private static StringMatch suffix(String s) {
        return StringMatch.newBuilder().setSuffix(s).build();
    }

    private static StringMatch presence() {
        return StringMatch.newBuilder().setPresence(Empty.getDefaultInstance()).build();
    }

    private static Address cidr(int a, int b, int c, int d, int len) {
        return Address.newBuilder()
                .setAddress(ByteString.copyFrom(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}))
                .setLength(len)
                .build();
    }

    private static AuthorizationPolicySpec.Rule rule(
            AuthorizationPolicySpec.Source src,
            AuthorizationPolicySpec.Operation op,
            AuthorizationPolicySpec.Condition... when) {
        AuthorizationPolicySpec.Rule r = new AuthorizationPolicySpec.Rule();
        if (src != null) {
            AuthorizationPolicySpec.From f = new AuthorizationPolicySpec.From();
            f.source = src;
            r.from = List.of(f);
        }
        if (op != null) {
            AuthorizationPolicySpec.To t = new AuthorizationPolicySpec.To();
            t.operation = op;
            r.to = List.of(t);
        }
        if (when.length > 0) {
            r.when = List.of(when);
        }
        return r;
    }

    private static AuthorizationPolicySpec.Condition when(String key, List<String> values, List<String> notValues) {
        AuthorizationPolicySpec.Condition c = new AuthorizationPolicySpec.Condition();
        c.key = key;
        c.values = values;
        c.notValues = notValues;
        return c;
    }

    private static AuthorizationPolicySpec spec(String action, AuthorizationPolicySpec.Rule... rules) {
        AuthorizationPolicySpec s = new AuthorizationPolicySpec();
        s.action = action;
        s.rules = List.of(rules);
        return s;
    }

    @Test
    void C055_scopeFromSelectorAndNamespace() {
        AuthorizationPolicySpec withSelector = spec("ALLOW", rule(null, null));
        withSelector.selector = new WorkloadSelector(labels("app", "a"));
        assertThat(convert(NS, withSelector).authorization().getScope()).isEqualTo(Scope.WORKLOAD_SELECTOR);
        assertThat(convert(NS, spec("ALLOW", rule(null, null))).authorization().getScope())
                .isEqualTo(Scope.NAMESPACE);
        assertThat(convert("istio-system", spec("ALLOW", rule(null, null)))
                        .authorization()
                        .getScope())
                .isEqualTo(Scope.GLOBAL);
        AuthorizationPolicySpec rootSelector = spec("DENY", rule(null, null));
        rootSelector.selector = new WorkloadSelector(labels("app", "a"));
        assertThat(convert("istio-system", rootSelector).authorization().getScope())
                .isEqualTo(Scope.WORKLOAD_SELECTOR);
    }

    static Stream<Arguments> targetRefCases() {
        return Stream.of("Gateway", "Service", "ServiceEntry", "GatewayClass").map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("targetRefCases")
    void C055_targetRefPoliciesAreNotSentAndCauseNoEvent(String kind) {
        AuthorizationPolicySpec s = spec("ALLOW", rule(null, null));
        PolicyTargetReference ref = new PolicyTargetReference();
        ref.kind = kind;
        ref.name = "x";
        s.targetRefs = List.of(ref);
        var converted = convert(NS, s);
        assertThat(converted.authorization()).isNull();
        assertThat(converted.condition(1)).as("no ztunnel status either").isNull();
        AmbientIndex idx = Fixtures.index();
        assertThat(Fixtures.upsert(idx, policy(NS, "gw-targeted", s))).isEmpty();
    }

    @Test
    void C055_revisionLabelFiltering() {
        AmbientIndex idx = new AmbientIndex(MESH.withRevision("some-rev"), StatusSink.NONE);
        var plain = policy(NS, "plain", spec("ALLOW", rule(null, null)));
        assertThat(Fixtures.upserted(Fixtures.upsert(idx, plain), TypeUrls.AUTHORIZATION))
                .containsExactly("ns1/plain");
        var other = policy(NS, "other", spec("ALLOW", rule(null, null)));
        other.getMetadata().setLabels(Map.of("istio.io/rev", "non-matching-rev"));
        assertThat(Fixtures.upsert(idx, other)).isEmpty();
        var matching = policy(NS, "matching", spec("ALLOW", rule(null, null)));
        matching.getMetadata().setLabels(Map.of("istio.io/rev", "some-rev"));
        assertThat(Fixtures.upserted(Fixtures.upsert(idx, matching), TypeUrls.AUTHORIZATION))
                .containsExactly("ns1/matching");
    }

    @Test
    void C056_fromFieldsMapToOneMatch() {
        AuthorizationPolicySpec.Source src = new AuthorizationPolicySpec.Source();
        src.principals = List.of("cluster.local/ns/a/sa/b", "prefix-*", "*-suffix", "*");
        src.notPrincipals = List.of("bad");
        src.namespaces = List.of("ns-a", "team-*");
        src.notNamespaces = List.of("blocked");
        src.serviceAccounts = List.of("other/sa1", "sa2");
        src.notServiceAccounts = List.of("sa3");
        src.ipBlocks = List.of("10.0.0.0/8", "1.2.3.4");
        src.notIpBlocks = List.of("10.1.0.0/16");
        Authorization a = convert(NS, spec("ALLOW", rule(src, null))).authorization();
        Match expected = Match.newBuilder()
                .addAllPrincipals(
                        List.of(exact("cluster.local/ns/a/sa/b"), prefix("prefix-"), suffix("-suffix"), presence()))
                .addNotPrincipals(exact("bad"))
                .addAllNamespaces(List.of(exact("ns-a"), prefix("team-")))
                .addNotNamespaces(exact("blocked"))
                .addServiceAccounts(
                        ServiceAccountMatch.newBuilder().setNamespace("other").setServiceAccount("sa1"))
                .addServiceAccounts(
                        ServiceAccountMatch.newBuilder().setNamespace(NS).setServiceAccount("sa2"))
                .addNotServiceAccounts(
                        ServiceAccountMatch.newBuilder().setNamespace(NS).setServiceAccount("sa3"))
                .addSourceIps(cidr(10, 0, 0, 0, 8))
                .addSourceIps(cidr(1, 2, 3, 4, 32))
                .addNotSourceIps(cidr(10, 1, 0, 0, 16))
                .build();
        assertThat(a.getAction()).isEqualTo(Action.ALLOW);
        assertThat(a.getRulesList())
                .containsExactly(Rule.newBuilder()
                        .addClauses(Clause.newBuilder().addMatches(expected))
                        .build());
    }

    @Test
    void C056_toWhenAndRuleEncoding() {
        AuthorizationPolicySpec.Operation op = new AuthorizationPolicySpec.Operation();
        op.ports = List.of("80", "443");
        op.notPorts = List.of("8080");
        AuthorizationPolicySpec.Source src = new AuthorizationPolicySpec.Source();
        src.namespaces = List.of("a");
        Authorization a = convert(
                        NS,
                        spec(
                                "ALLOW",
                                rule(
                                        src,
                                        op,
                                        when("source.ip", List.of("10.0.0.1"), List.of("10.0.0.2")),
                                        when("source.namespace", List.of("ns-*"), null),
                                        when("source.principal", List.of("*/sa/x"), null),
                                        when("destination.port", List.of("9090"), List.of("9091")),
                                        when("destination.ip", List.of("192.168.0.0/16"), null))))
                .authorization();
        Rule group = a.getRules(0);
        assertThat(group.getClausesList())
                .containsExactly(
                        clause(Match.newBuilder()
                                .addDestinationPorts(80)
                                .addDestinationPorts(443)
                                .addNotDestinationPorts(8080)),
                        clause(Match.newBuilder().addNamespaces(exact("a"))),
                        clause(Match.newBuilder()
                                .addSourceIps(cidr(10, 0, 0, 1, 32))
                                .addNotSourceIps(cidr(10, 0, 0, 2, 32))),
                        clause(Match.newBuilder().addNamespaces(prefix("ns-"))),
                        clause(Match.newBuilder().addPrincipals(suffix("/sa/x"))),
                        clause(Match.newBuilder().addDestinationPorts(9090).addNotDestinationPorts(9091)),
                        clause(Match.newBuilder().addDestinationIps(cidr(192, 168, 0, 0, 16))));
        assertThat(convert(NS, spec("ALLOW", rule(src, op))).condition(3))
                .isEqualTo(new PolicyStatus(true, "Accepted", "attached to ztunnel", 3));
    }

    private static Clause clause(Match.Builder m) {
        return Clause.newBuilder().addMatches(m).build();
    }

    static Stream<Arguments> l7Cases() {
        AuthorizationPolicySpec.Operation methods = new AuthorizationPolicySpec.Operation();
        methods.methods = List.of("GET");
        AuthorizationPolicySpec.Operation hostsPaths = new AuthorizationPolicySpec.Operation();
        hostsPaths.hosts = List.of("h");
        hostsPaths.notPaths = List.of("/x");
        AuthorizationPolicySpec.Source reqPrincipals = new AuthorizationPolicySpec.Source();
        reqPrincipals.requestPrincipals = List.of("iss/sub");
        AuthorizationPolicySpec.Source remote = new AuthorizationPolicySpec.Source();
        remote.remoteIpBlocks = List.of("1.2.3.4");
        return Stream.of(
                Arguments.of("methods", rule(null, methods)),
                Arguments.of("hosts, notPaths", rule(null, hostsPaths)),
                Arguments.of("requestPrincipals", rule(reqPrincipals, null)),
                Arguments.of("remoteIpBlocks", rule(remote, null)),
                Arguments.of(
                        "request.headers[x-foo]", rule(null, null, when("request.headers[x-foo]", List.of("a"), null))),
                Arguments.of("remote.ip", rule(null, null, when("remote.ip", List.of("1.2.3.4"), null))),
                Arguments.of("connection.sni", rule(null, null, when("connection.sni", List.of("x"), null))),
                Arguments.of(
                        "request.auth.claims[iss]",
                        rule(null, null, when("request.auth.claims[iss]", List.of("x"), null))),
                Arguments.of(
                        "experimental.envoy.filters.a",
                        rule(null, null, when("experimental.envoy.filters.a", List.of("x"), null))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("l7Cases")
    void C056_l7RulesAreDroppedFromAllow(String found, AuthorizationPolicySpec.Rule l7) {
        AuthorizationPolicySpec.Source src = new AuthorizationPolicySpec.Source();
        src.namespaces = List.of("a");
        var c = convert(NS, spec("ALLOW", l7, rule(src, null)));
        assertThat(c.authorization().getRulesCount())
                .as("only the L4 rule remains")
                .isEqualTo(1);
        assertThat(c.authorization().getRules(0).getClauses(0).getMatches(0).getNamespacesList())
                .containsExactly(exact("a"));
        assertThat(c.status().reason()).isEqualTo("UnsupportedValue");
        assertThat(c.status().message())
                .isEqualTo("ztunnel does not support HTTP attributes (found: " + found
                        + "). In ambient mode you must use a waypoint proxy to enforce HTTP rules. "
                        + AuthorizationConverter.HTTP_ALLOW);
        // an ALLOW whose only rule is L7 has no groups: it matches nothing (stricter)
        assertThat(convert(NS, spec("ALLOW", l7)).authorization().getRulesList())
                .isEmpty();
    }

    @Test
    void C058_denyWithL7KeepsL4Parts() {
        AuthorizationPolicySpec.Operation op = new AuthorizationPolicySpec.Operation();
        op.ports = List.of("80");
        op.methods = List.of("GET");
        var c = convert(NS, spec("DENY", rule(null, op)));
        assertThat(c.authorization().getAction()).isEqualTo(Action.DENY);
        assertThat(c.authorization().getRules(0).getClauses(0).getMatches(0).getDestinationPortsList())
                .containsExactly(80);
        assertThat(c.status().message()).endsWith(AuthorizationConverter.HTTP_DENY_MIXED);
        assertThat(c.condition(1).accepted()).isTrue();

        AuthorizationPolicySpec.Operation onlyL7 = new AuthorizationPolicySpec.Operation();
        onlyL7.paths = List.of("/admin");
        var noEffect = convert(NS, spec("DENY", rule(null, onlyL7)));
        assertThat(noEffect.status().message()).endsWith(AuthorizationConverter.HTTP_DENY_NO_EFFECT);
        assertThat(noEffect.status().message()).startsWith("ztunnel does not support HTTP attributes (found: paths).");
    }

    @ParameterizedTest
    @MethodSource("auditCustom")
    void C058_auditAndCustomAreRejected(String action) {
        var c = convert(NS, spec(action, rule(null, null)));
        assertThat(c.authorization()).isNull();
        assertThat(c.condition(2))
                .isEqualTo(new PolicyStatus(
                        false, "UnsupportedValue", "ztunnel does not support the " + action + " action", 2));
    }

    static Stream<String> auditCustom() {
        return Stream.of("AUDIT", "CUSTOM");
    }

    @Test
    void C058_statusIsReportedThroughTheSinkOnlyOnChange() {
        var seen = new java.util.ArrayList<String>();
        AmbientIndex idx = new AmbientIndex(
                MESH, (ns, name, s) -> seen.add(ns + "/" + name + ":" + (s == null ? null : s.reason())));
        Fixtures.upsert(
                idx,
                policy(NS, "ok", spec("ALLOW", rule(null, null))),
                policy(NS, "audit", spec("AUDIT", rule(null, null))));
        assertThat(seen).containsExactlyInAnyOrder("ns1/ok:Accepted", "ns1/audit:UnsupportedValue");
        Fixtures.upsert(idx, policy(NS, "ok", spec("ALLOW", rule(null, null))));
        assertThat(seen).hasSize(2);
        assertThat(idx.snapshot(TypeUrls.AUTHORIZATION)).containsOnlyKeys("ns1/ok");
    }

    // ---- bad input

    @Test
    void badInput_principalWithRegexCharactersIsLiteral() {
        AuthorizationPolicySpec.Source src = new AuthorizationPolicySpec.Source();
        src.principals = List.of("cluster.local/ns/.*/sa/admin", "cluster.local/ns/a|b/sa/(x)+", "td/ns/[a-z]*");
        Authorization a = convert(NS, spec("ALLOW", rule(src, null))).authorization();
        assertThat(a.getRules(0).getClauses(0).getMatches(0).getPrincipalsList())
                .containsExactly(
                        exact("cluster.local/ns/.*/sa/admin"),
                        exact("cluster.local/ns/a|b/sa/(x)+"),
                        prefix("td/ns/[a-z]"));
        // and the matcher semantics stay literal: ".*" never matches "foo"
        assertThat(AuthorizationConverter.stringMatch("cluster.local/ns/.*/sa/admin")
                        .getExact())
                .isNotEqualTo("cluster.local/ns/foo/sa/admin");
    }

    @Test
    void badInput_unknownActionIsRejectedWithAClearMessage() {
        var c = convert(NS, spec("ALLOWED", rule(null, null)));
        assertThat(c.authorization()).isNull();
        assertThat(c.status().message()).contains("unknown action \"ALLOWED\"");
    }

    @Test
    void badInput_portNamesAreReportedAndTheRuleIsDroppedFromAllow() {
        AuthorizationPolicySpec.Operation op = new AuthorizationPolicySpec.Operation();
        op.ports = List.of("http", "80");
        AuthorizationPolicySpec.Source src = new AuthorizationPolicySpec.Source();
        src.namespaces = List.of("a");
        var c = convert(NS, spec("ALLOW", rule(null, op), rule(src, null)));
        assertThat(c.authorization().getRulesCount()).isEqualTo(1);
        assertThat(c.status().message()).contains("rules[0].to[0].operation.ports: \"http\" is not a port number");
        var deny = convert(NS, spec("DENY", rule(null, op)));
        assertThat(deny.authorization().getRules(0).getClauses(0).getMatches(0).getDestinationPortsList())
                .containsExactly(80);
        AuthorizationPolicySpec.Source badIp = new AuthorizationPolicySpec.Source();
        badIp.ipBlocks = List.of("10.0.0.0/33");
        assertThat(convert(NS, spec("ALLOW", rule(badIp, null))).status().message())
                .contains("ipBlocks: \"10.0.0.0/33\" is not an IP address or CIDR");
    }

    @Test
    void badInput_otherPoliciesStillTranslate() {
        AmbientIndex idx = Fixtures.index();
        AuthorizationPolicySpec.Operation op = new AuthorizationPolicySpec.Operation();
        op.ports = List.of("not-a-port");
        Fixtures.upsert(
                idx,
                policy(NS, "bad-action", spec("EXPLODE", rule(null, null))),
                policy(NS, "bad-port", spec("ALLOW", rule(null, op))),
                policy(NS, "good", Fixtures.allowFromPrincipals(null, "cluster.local/ns/a/sa/b")));
        assertThat(idx.snapshot(TypeUrls.AUTHORIZATION)).containsOnlyKeys("ns1/good", "ns1/bad-port");
        assertThat(Fixtures.authz(idx, "ns1/bad-port").getRulesList()).isEmpty();
        assertThat(idx.policyStatuses().get("ns1/bad-action").accepted()).isFalse();
    }

    @Test
    void emptyRuleMatchesEverythingAndNoRulesMatchNothing() {
        assertThat(convert(NS, spec("ALLOW", rule(null, null))).authorization().getRulesList())
                .containsExactly(Rule.getDefaultInstance());
        assertThat(convert(NS, spec("DENY")).authorization().getRulesList()).isEmpty();
    }

    @Test
    void dryRunIsReportedNotSent() {
        var p = policy(NS, "dry", spec("DENY", rule(null, null)));
        p.getMetadata().setAnnotations(Map.of("istio.io/dry-run", "true"));
        var c = AuthorizationConverter.convert(p, MESH);
        assertThat(c.authorization()).isNull();
        assertThat(c.status().message()).contains("dry-run");
    }

    @Test
    void badInput_malformedPolicyWithdrawsOutputAndReportsStatusInOrder() {
        var seen = new java.util.ArrayList<String>();
        AmbientIndex idx = new AmbientIndex(MESH, (ns, name, s) -> seen.add(name + ":" + s.reason()));
        var good = policy(NS, "p", spec("ALLOW", rule(null, null)));
        Fixtures.upsert(idx, good);
        var metaOnly = new io.ambient4j.istiod.kube.crd.AuthorizationPolicy();
        metaOnly.setMetadata(good.getMetadata());
        var deltas = idx.apply(List.of(KubeEvent.invalid(metaOnly, "AuthorizationPolicy ns1/p is malformed: x")));
        assertThat(Fixtures.removed(deltas, TypeUrls.AUTHORIZATION)).containsExactly("ns1/p");
        assertThat(seen).containsExactly("p:Accepted", "p:MalformedResource");
        assertThat(idx.policyStatuses().get("ns1/p").message()).contains("is malformed");
        Fixtures.upsert(idx, good);
        assertThat(seen).containsExactly("p:Accepted", "p:MalformedResource", "p:Accepted");
    }
}
