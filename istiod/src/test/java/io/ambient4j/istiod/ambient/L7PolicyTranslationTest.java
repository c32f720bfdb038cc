package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.L7Fixtures.MESH;
import static io.ambient4j.istiod.ambient.L7Fixtures.parse;
import static io.ambient4j.istiod.ambient.L7Fixtures.targets;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.waypoint.L7Policy;
import io.ambient4j.api.waypoint.L7Rule;
import io.ambient4j.api.waypoint.ServiceRef;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AuthorizationPolicy targetRefs → L7Policy (C100 policy shapes; spec §7.4). */
class L7PolicyTranslationTest {
    private static AuthorizationPolicy policy(String ns, String targetRefs, String rest) {
        return parse("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: p, namespace: %s, generation: 1}
                spec:
                  targetRefs: %s
                %s
                """.formatted(ns, targetRefs, rest.indent(2)), AuthorizationPolicy.class);
    }

    private static L7Targets.Result translate(AuthorizationPolicy ap) {
        return L7PolicyTranslator.translate(ap, targets(), MESH);
    }

    static Stream<Arguments> attachment() {
        String gw = "{group: gateway.networking.k8s.io, kind: Gateway, name: wp}";
        return Stream.of(
                Arguments.of(
                        "C100 waypoint Gateway → that waypoint, all its services",
                        "ns1",
                        "[" + gw + "]",
                        Set.of("ns1/wp"),
                        List.of()),
                Arguments.of(
                        "C100 GatewayClass istio-waypoint in the root namespace → every waypoint",
                        "istio-system",
                        "[{group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}]",
                        Set.of("ns1/wp", "ns1/wp-b", "ns2/wp2"),
                        List.of()),
                Arguments.of(
                        "C100 Service → its waypoint, that service only",
                        "ns1",
                        "[{group: '', kind: Service, name: reviews}]",
                        Set.of("ns1/wp"),
                        List.of("reviews.ns1.svc.cluster.local")),
                Arguments.of(
                        "C100 ServiceEntry → its waypoint, its hosts",
                        "ns1",
                        "[{group: networking.istio.io, kind: ServiceEntry, name: ext}]",
                        Set.of("ns1/wp"),
                        List.of("ext.example.com")),
                Arguments.of(
                        "C100 two Services on two waypoints → both, both services",
                        "ns1",
                        "[{kind: Service, name: reviews}, {kind: Service, name: details}]",
                        Set.of("ns1/wp", "ns1/wp-b"),
                        List.of("details.ns1.svc.cluster.local", "reviews.ns1.svc.cluster.local")),
                Arguments.of(
                        "C100 Gateway mixed with a Service elsewhere → Gateway spelled out as its services",
                        "ns1",
                        "[" + gw + ", {kind: Service, name: details}]",
                        Set.of("ns1/wp", "ns1/wp-b"),
                        List.of(
                                "details.ns1.svc.cluster.local",
                                "ext.example.com",
                                "ratings.ns1.svc.cluster.local",
                                "reviews.ns1.svc.cluster.local")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attachment")
    void C100_attachment(String name, String ns, String refs, Set<String> audience, List<String> hosts) {
        L7Targets.Result r = translate(policy(ns, refs, "action: ALLOW"));
        assertThat(r.problems()).isEmpty();
        assertThat(r.resource().audience()).isEqualTo(audience);
        L7Policy p = (L7Policy) r.resource().body();
        assertThat(p.getServicesList()).extracting(ServiceRef::getHostname).containsExactlyElementsOf(hosts);
        assertThat(p.getName()).isEqualTo("p");
        assertThat(p.getNamespace()).isEqualTo(ns);
    }

    static Stream<Arguments> attachesNowhere() {
        return Stream.of(
                Arguments.of(
                        "C100 GatewayClass outside the root namespace",
                        "[{group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}]",
                        "only in the root namespace"),
                Arguments.of(
                        "C100 a Gateway that is no ready waypoint",
                        "[{group: gateway.networking.k8s.io, kind: Gateway, name: nope}]",
                        "not a ready waypoint"),
                Arguments.of(
                        "C100 a Service without waypoint", "[{kind: Service, name: plain}]", "not bound to a waypoint"),
                Arguments.of("C100 a missing Service", "[{kind: Service, name: ghost}]", "does not exist"),
                Arguments.of(
                        "C100 another namespace",
                        "[{kind: Service, name: other, namespace: ns2}]",
                        "another namespace"),
                Arguments.of(
                        "C100 an unsupported kind",
                        "[{group: apps, kind: Deployment, name: x}]",
                        "not a supported target kind"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attachesNowhere")
    void C100_attachesNowhere(String name, String refs, String problem) {
        L7Targets.Result r = translate(policy("ns1", refs, ""));
        assertThat(r.resource()).isNull();
        assertThat(r.problems()).singleElement().asString().contains(problem);
    }

    @Test
    void C100_rulesCarryEveryL7AttributeAndServiceAccountsBecomePrincipals() {
        L7Targets.Result r =
                translate(policy("ns1", "[{group: gateway.networking.k8s.io, kind: Gateway, name: wp}]", """
                action: ALLOW
                rules:
                - to: [{operation: {methods: [GET], paths: [/allowed]}}]
                - from: [{source: {principals: [cluster.local/ns/ns1/sa/src]}}]
                  to: [{operation: {methods: [GET], paths: [/allowed-identity]}}]
                - from: [{source: {serviceAccounts: [someone-else, other/sa], notNamespaces: [bad],
                          remoteIpBlocks: [1.2.3.0/24], ipBlocks: [10.0.0.0/8]}}]
                  to: [{operation: {paths: [/allowed-wildcard*], notMethods: [DELETE], hosts: [a.example], ports: ['80']}}]
                - to: [{operation: {methods: [GET], paths: [/headers]}}]
                  when:
                  - {key: 'request.headers[x-test-header]', values: [match], notValues: [do-not-match]}
                - to: [{operation: {methods: [POST]}}]
                """));
        L7Policy p = (L7Policy) r.resource().body();
        assertThat(p.getAction()).isEqualTo(L7Policy.Action.ALLOW);
        assertThat(p.getDryRun()).isFalse();
        assertThat(p.getRulesList()).hasSize(5);
        L7Rule first = p.getRules(0);
        assertThat(first.getFromList()).isEmpty();
        assertThat(first.getTo(0).getMethodsList()).containsExactly("GET");
        assertThat(first.getTo(0).getPathsList()).containsExactly("/allowed");
        assertThat(p.getRules(1).getFrom(0).getPrincipalsList()).containsExactly("cluster.local/ns/ns1/sa/src");
        var src = p.getRules(2).getFrom(0);
        assertThat(src.getPrincipalsList())
                .containsExactly("cluster.local/ns/ns1/sa/someone-else", "cluster.local/ns/other/sa/sa");
        assertThat(src.getNotNamespacesList()).containsExactly("bad");
        assertThat(src.getRemoteIpBlocksList()).containsExactly("1.2.3.0/24");
        assertThat(src.getIpBlocksList()).containsExactly("10.0.0.0/8");
        var op = p.getRules(2).getTo(0);
        assertThat(op.getPathsList()).containsExactly("/allowed-wildcard*");
        assertThat(op.getNotMethodsList()).containsExactly("DELETE");
        assertThat(op.getHostsList()).containsExactly("a.example");
        assertThat(op.getPortsList()).containsExactly("80");
        var when = p.getRules(3).getWhen(0);
        assertThat(when.getKey()).isEqualTo("request.headers[x-test-header]");
        assertThat(when.getValuesList()).containsExactly("match");
        assertThat(when.getNotValuesList()).containsExactly("do-not-match");
        assertThat(p.getRules(4).getTo(0).getMethodsList()).containsExactly("POST");
    }

    @Test
    void C100_denyAuditAndDryRun() {
        String gw = "[{group: gateway.networking.k8s.io, kind: Gateway, name: wp}]";
        L7Policy deny = (L7Policy)
                translate(policy("ns1", gw, "action: DENY\nrules:\n- to: [{operation: {paths: [/explicit-deny]}}]"))
                        .resource()
                        .body();
        assertThat(deny.getAction()).isEqualTo(L7Policy.Action.DENY);
        L7Policy audit = (L7Policy) translate(policy("ns1", gw, "action: AUDIT\nrules:\n- {}"))
                .resource()
                .body();
        assertThat(audit.getAction()).isEqualTo(L7Policy.Action.AUDIT);
        AuthorizationPolicy dry = policy("ns1", gw, "action: DENY\nrules:\n- {}");
        dry.getMetadata().setAnnotations(java.util.Map.of(Labels.DRY_RUN, "true"));
        assertThat(((L7Policy) translate(dry).resource().body()).getDryRun()).isTrue();
    }

    @Test
    void C100_customFailsClosedAsDenyAll() {
        L7Targets.Result r = translate(policy(
                "ns1",
                "[{kind: Service, name: reviews}]",
                "action: CUSTOM\nprovider: {name: ext-authz}\nrules:\n- to: [{operation: {paths: [/admin]}}]"));
        L7Policy p = (L7Policy) r.resource().body();
        assertThat(p.getAction()).isEqualTo(L7Policy.Action.DENY);
        assertThat(p.getRulesList()).containsExactly(L7Rule.getDefaultInstance());
        assertThat(r.problems()).singleElement().asString().contains("CUSTOM").contains("fails closed");
    }

    @Test
    void C100_aPolicyWithoutTargetRefsIsZtunnelsNotTheWaypoints() {
        AuthorizationPolicy ap = parse("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: p, namespace: ns1}
                spec: {action: DENY, rules: [{}]}
                """, AuthorizationPolicy.class);
        assertThat(translate(ap).resource()).isNull();
        assertThat(AuthorizationConverter.convert(ap, MESH).authorization()).isNotNull();
    }

    @Test
    void C100_targetRefPoliciesNeverReachZtunnelEvenInDryRun() {
        AuthorizationPolicy ap =
                policy("ns1", "[{group: gateway.networking.k8s.io, kind: Gateway, name: wp}]", "action: DENY");
        ap.getMetadata().setAnnotations(java.util.Map.of(Labels.DRY_RUN, "true"));
        AuthorizationConverter.Converted c = AuthorizationConverter.convert(ap, MESH);
        assertThat(c.authorization()).isNull();
        assertThat(c.condition(1)).as("no ztunnel status for a waypoint policy").isNull();
    }
}
