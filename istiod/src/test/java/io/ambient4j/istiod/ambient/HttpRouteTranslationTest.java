package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.L7Fixtures.MESH;
import static io.ambient4j.istiod.ambient.L7Fixtures.parse;
import static io.ambient4j.istiod.ambient.L7Fixtures.targets;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.waypoint.BackendRef;
import io.ambient4j.api.waypoint.HttpRoute;
import io.ambient4j.api.waypoint.RouteMatch;
import io.ambient4j.api.waypoint.RouteParent;
import io.ambient4j.api.waypoint.RouteRule;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Gateway API HTTPRoute → HttpRoute (C110, C113 routing shapes, C114 GAMMA parents). */
class HttpRouteTranslationTest {
    private static HTTPRoute route(String parents, String rules) {
        return parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns1}
                spec:
                  parentRefs: %s
                  rules:
                %s
                """.formatted(parents, rules.indent(2)), HTTPRoute.class);
    }

    private static L7Targets.Result translate(HTTPRoute r) {
        return HttpRouteTranslator.translate(r, targets(), MESH);
    }

    private static final String REVIEWS_PARENT = "[{group: '', kind: Service, name: reviews, port: 80}]";

    @Test
    void C110_serviceParentAddsAHeaderAndRoutesToTheService() {
        L7Targets.Result r = translate(route(REVIEWS_PARENT, """
                - filters:
                  - type: RequestHeaderModifier
                    requestHeaderModifier:
                      add: [{name: greeting, value: hello world!}]
                  backendRefs: [{name: reviews, port: 80}]
                """));
        assertThat(r.problems()).isEmpty();
        assertThat(r.resource().audience()).containsExactly("ns1/wp");
        HttpRoute h = (HttpRoute) r.resource().body();
        assertThat(h.getParentsList()).singleElement().satisfies(p -> {
            assertThat(p.getService().getHostname()).isEqualTo("reviews.ns1.svc.cluster.local");
            assertThat(p.getPort()).isEqualTo(80);
        });
        RouteRule rule = h.getRules(0);
        assertThat(rule.getRequestHeaderModifiers(0).getAddMap()).containsEntry("greeting", "hello world!");
        assertThat(rule.getBackends(0).getService().getHostname()).isEqualTo("reviews.ns1.svc.cluster.local");
        assertThat(rule.getBackends(0).getPort()).isEqualTo(80);
        assertThat(rule.getBackends(0).getWeight()).isEqualTo(1);
        assertThat(rule.hasDirectResponse()).isFalse();
    }

    @Test
    void C110_invalidBackendStaysByNameAndTheRuleAnswers500() {
        L7Targets.Result r = translate(route(REVIEWS_PARENT, "- backendRefs: [{name: invalid, port: 80}]"));
        assertThat(r.resource()).isNotNull();
        assertThat(r.problems()).singleElement().asString().contains("invalid").contains("500");
        RouteRule rule = ((HttpRoute) r.resource().body()).getRules(0);
        assertThat(rule.getBackends(0).getService().getHostname()).isEqualTo("invalid.ns1.svc.cluster.local");
        assertThat(rule.getDirectResponse().getStatus()).isEqualTo(500);
    }

    @Test
    void C110_oneInvalidBackendOfTwoKeepsTheSplitWithoutADirectAnswer() {
        L7Targets.Result r = translate(route(
                REVIEWS_PARENT,
                "- backendRefs: [{name: invalid, port: 80, weight: 1}, {name: ratings, port: 9080, weight: 3}]"));
        RouteRule rule = ((HttpRoute) r.resource().body()).getRules(0);
        assertThat(rule.getBackendsList()).extracting(BackendRef::getWeight).containsExactly(1, 3);
        assertThat(rule.hasDirectResponse()).isFalse();
    }

    static Stream<Arguments> parents() {
        return Stream.of(
                Arguments.of(
                        "C114 Service parent (GAMMA)",
                        "[{group: '', kind: Service, name: reviews}]",
                        Set.of("ns1/wp"),
                        List.of("reviews.ns1.svc.cluster.local:0")),
                Arguments.of(
                        "C114 ServiceEntry parent",
                        "[{group: networking.istio.io, kind: ServiceEntry, name: ext}]",
                        Set.of("ns1/wp"),
                        List.of("ext.example.com:0")),
                Arguments.of(
                        "C114 the waypoint Gateway (default group/kind) → all its services",
                        "[{name: wp}]",
                        Set.of("ns1/wp"),
                        List.of(
                                "ext.example.com:0",
                                "ratings.ns1.svc.cluster.local:0",
                                "reviews.ns1.svc.cluster.local:0")),
                Arguments.of(
                        "C114 two Services on two waypoints",
                        "[{kind: Service, group: '', name: reviews, port: 9080},"
                                + " {kind: Service, group: '', name: details}]",
                        Set.of("ns1/wp", "ns1/wp-b"),
                        List.of("reviews.ns1.svc.cluster.local:9080", "details.ns1.svc.cluster.local:0")),
                Arguments.of(
                        "C114 a consumer route to another namespace's Service",
                        "[{kind: Service, group: '', name: other, namespace: ns2}]",
                        Set.of("ns2/wp2"),
                        List.of("other.ns2.svc.cluster.local:0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parents")
    void C114_parents(String name, String parents, Set<String> audience, List<String> resolved) {
        L7Targets.Result r = translate(route(parents, "- backendRefs: [{name: reviews, port: 9080}]"));
        assertThat(r.problems()).isEmpty();
        assertThat(r.resource().audience()).isEqualTo(audience);
        List<String> got = new ArrayList<>();
        for (RouteParent p : ((HttpRoute) r.resource().body()).getParentsList()) {
            got.add(p.getService().getHostname() + ":" + p.getPort());
        }
        assertThat(got).containsExactlyElementsOf(resolved);
    }

    @Test
    void C114_aRouteWhoseParentsHaveNoWaypointIsNotPublished() {
        L7Targets.Result r =
                translate(route("[{group: '', kind: Service, name: plain}, {name: nope}]", "- backendRefs: []"));
        assertThat(r.resource()).isNull();
        assertThat(r.problems()).hasSize(2);
    }

    @Test
    void C113_matchesRedirectRewriteTimeoutsAndRetry() {
        L7Targets.Result r = translate(route(REVIEWS_PARENT, """
                - matches:
                  - path: {type: Exact, value: /v1}
                    method: GET
                    headers: [{name: x-env, value: canary}, {type: RegularExpression, name: x-id, value: '[0-9]+'}]
                    queryParams: [{name: debug, value: '1'}]
                  - path: {type: RegularExpression, value: '/re/.*'}
                  filters:
                  - type: URLRewrite
                    urlRewrite: {hostname: new.example, path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
                  - type: ResponseHeaderModifier
                    responseHeaderModifier: {set: [{name: x-served, value: wp}], remove: [server]}
                  backendRefs: [{name: reviews, port: 80}]
                  timeouts: {request: 1m30s, backendRequest: 500ms}
                  retry: {attempts: 3, codes: [503, 504], backoff: 100ms}
                - matches: [{path: {type: PathPrefix, value: /old}}]
                  filters:
                  - type: RequestRedirect
                    requestRedirect: {scheme: https, hostname: example.com, port: 8443, statusCode: 301,
                                      path: {type: ReplaceFullPath, replaceFullPath: /new}}
                - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: ratings, port: 80}}}]
                  backendRefs: [{name: reviews, port: 80}]
                  timeouts: {request: 10 seconds}
                """));
        HttpRoute h = (HttpRoute) r.resource().body();
        RouteRule first = h.getRules(0);
        RouteMatch m = first.getMatches(0);
        assertThat(m.getPathType()).isEqualTo(RouteMatch.PathType.EXACT);
        assertThat(m.getPath()).isEqualTo("/v1");
        assertThat(m.getMethod()).isEqualTo("GET");
        assertThat(m.getHeaders(0).getRegex()).isFalse();
        assertThat(m.getHeaders(1).getRegex()).isTrue();
        assertThat(m.getQueryParams(0).getName()).isEqualTo("debug");
        assertThat(first.getMatches(1).getPathType()).isEqualTo(RouteMatch.PathType.REGULAR_EXPRESSION);
        assertThat(first.getUrlRewrite().getHostname()).isEqualTo("new.example");
        assertThat(first.getUrlRewrite().getPath()).isEqualTo("/v2");
        assertThat(first.getUrlRewrite().getReplacePrefixMatch()).isTrue();
        assertThat(first.getResponseHeaderModifiers(0).getSetMap()).containsEntry("x-served", "wp");
        assertThat(first.getResponseHeaderModifiers(0).getRemoveList()).containsExactly("server");
        assertThat(first.getRequestTimeoutMs()).isEqualTo(90_000);
        assertThat(first.getBackendRequestTimeoutMs()).isEqualTo(500);
        assertThat(first.getRetry().getAttempts()).isEqualTo(3);
        assertThat(first.getRetry().getCodesList()).containsExactly(503, 504);
        assertThat(first.getRetry().getBackoffMs()).isEqualTo(100);

        var redirect = h.getRules(1).getDirectResponse();
        assertThat(redirect.getStatus()).isEqualTo(301);
        assertThat(redirect.getRedirectScheme()).isEqualTo("https");
        assertThat(redirect.getRedirectHostname()).isEqualTo("example.com");
        assertThat(redirect.getRedirectPort()).isEqualTo(8443);
        assertThat(redirect.getRedirectPath()).isEqualTo("/new");
        assertThat(redirect.getRedirectReplacePrefixMatch()).isFalse();

        assertThat(h.getRules(2).getRequestTimeoutMs()).isZero();
        assertThat(r.problems())
                .anySatisfy(p -> assertThat(p).contains("RequestMirror"))
                .anySatisfy(p -> assertThat(p).contains("10 seconds"));
    }

    @Test
    void C113_ruleWithoutMatchesDefaultsToPrefixSlashWhenAMatchHasNoPath() {
        L7Targets.Result r = translate(
                route(REVIEWS_PARENT, "- matches: [{method: POST}]\n  backendRefs: [{name: reviews, port: 80}]"));
        RouteMatch m = ((HttpRoute) r.resource().body()).getRules(0).getMatches(0);
        assertThat(m.getPathType()).isEqualTo(RouteMatch.PathType.PATH_PREFIX);
        assertThat(m.getPath()).isEqualTo("/");
    }

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("1h", 3_600_000L),
                Arguments.of("10s", 10_000L),
                Arguments.of("500ms", 500L),
                Arguments.of("1m30s", 90_000L),
                Arguments.of("1h1m1s1ms", 3_661_001L),
                Arguments.of("", 0L),
                Arguments.of("10", 0L),
                Arguments.of("1d", 0L),
                Arguments.of("1s1s1s1s1s", 0L));
    }

    @ParameterizedTest(name = "C113 duration \"{0}\" = {1} ms")
    @MethodSource("durations")
    void C113_gatewayApiDurations(String text, long millis) {
        List<String> problems = new ArrayList<>();
        assertThat(HttpRouteTranslator.duration(text, "t", problems)).isEqualTo(millis);
        assertThat(problems.isEmpty()).isEqualTo(millis > 0 || text.isEmpty());
    }
}
