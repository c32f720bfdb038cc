package io.ambient4j.waypoint.route;

import static io.ambient4j.waypoint.testing.L7Protos.addHeader;
import static io.ambient4j.waypoint.testing.L7Protos.backend;
import static io.ambient4j.waypoint.testing.L7Protos.exact;
import static io.ambient4j.waypoint.testing.L7Protos.prefix;
import static io.ambient4j.waypoint.testing.L7Protos.route;
import static io.ambient4j.waypoint.testing.L7Protos.rule;
import static io.ambient4j.waypoint.testing.L7Protos.svc;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.waypoint.DirectResponse;
import io.ambient4j.api.waypoint.HeaderMatch;
import io.ambient4j.api.waypoint.RouteMatch;
import io.ambient4j.api.waypoint.UrlRewrite;
import io.ambient4j.waypoint.xds.L7ProtoConversion;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Route selection tables: C110 (HTTPRoute on a Service parent), C113's redirect/rewrite cases, Gateway API rules. */
class RouterTest {
    static final NamespacedHostname SIDECAR = new NamespacedHostname("app", "sidecar.app.svc.cluster.local");
    static final NamespacedHostname V2 = new NamespacedHostname("app", "v2.app.svc.cluster.local");
    static final Set<NamespacedHostname> MESH = Set.of(SIDECAR, V2);

    static RouteDecision decide(List<HttpRoute> routes, String method, String path, Map<String, List<String>> headers) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String q = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
        return Router.route(
                routes,
                new RouteRequest(SIDECAR, 80, method, p, q, headers),
                "sidecar.app.svc.cluster.local",
                MESH::contains,
                bound -> 0);
    }

    static HttpRoute convert(io.ambient4j.api.waypoint.HttpRoute.Builder b) {
        return L7ProtoConversion.route(b.getNamespace() + "/" + b.getName(), b.build());
    }

    @Test
    void C110_headerAddedOnTheWayToTheSidecarBackend() {
        HttpRoute r = convert(route("app", "greet", svc("app", "sidecar"), 80)
                .addRules(rule().addBackends(backend(svc("app", "sidecar"), 80, 1))
                        .addRequestHeaderModifiers(addHeader("greeting", "hello world!"))));
        RouteDecision d = decide(List.of(r), "GET", "/", Map.of());
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Forward.class, f -> {
            assertThat(f.service()).isEqualTo(SIDECAR);
            assertThat(f.port()).isEqualTo(80);
            assertThat(f.route()).isEqualTo("app/greet");
            assertThat(f.requestHeaders())
                    .singleElement()
                    .satisfies(m -> assertThat(m.add()).containsEntry("greeting", "hello world!"));
        });
    }

    @Test
    void C110_invalidBackendAnswers500() {
        HttpRoute r = convert(route("app", "bad", svc("app", "sidecar"), 80)
                .addRules(rule().addBackends(backend(svc("app", "invalid"), 80, 1))));
        assertThat(decide(List.of(r), "GET", "/", Map.of()))
                .isInstanceOfSatisfying(
                        RouteDecision.Respond.class, x -> assertThat(x.status()).isEqualTo(500));
    }

    @Test
    void noRouteForwardsToTheAddressedServiceUnchanged() {
        HttpRoute other = convert(route("app", "other", svc("app", "v2"), 80)
                .addRules(rule().addBackends(backend(svc("app", "v2"), 80, 1))));
        assertThat(decide(List.of(other), "GET", "/a?b=c", Map.of()))
                .isInstanceOfSatisfying(RouteDecision.Forward.class, f -> {
                    assertThat(f.route()).isEqualTo("default");
                    assertThat(f.service()).isEqualTo(SIDECAR);
                    assertThat(f.path()).isEqualTo("/a?b=c");
                });
    }

    @Test
    void routeOnAnotherPortDoesNotApply() {
        HttpRoute r = convert(route("app", "p8080", svc("app", "sidecar"), 8080)
                .addRules(rule().addBackends(backend(svc("app", "v2"), 80, 1))));
        assertThat(((RouteDecision.Forward) decide(List.of(r), "GET", "/", Map.of())).service())
                .isEqualTo(SIDECAR);
    }

    @Test
    void attachedButNothingMatchesIs404() {
        HttpRoute r = convert(route("app", "only-a", svc("app", "sidecar"), 0)
                .addRules(rule().addMatches(exact("/a")).addBackends(backend(svc("app", "v2"), 80, 1))));
        assertThat(decide(List.of(r), "GET", "/b", Map.of()))
                .isInstanceOfSatisfying(
                        RouteDecision.Respond.class, x -> assertThat(x.status()).isEqualTo(404));
    }

    /** Gateway API precedence: exact > longest prefix > method > more headers > more query params. */
    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @CsvSource({
        "GET, /api/v1/x, , prefix-long",
        "GET, /api/exact, , exact",
        "GET, /api/other, , prefix-short",
        "POST, /api/other, , method",
        "GET, /api/other, yes, header",
        "GET, /apiother, , root",
    })
    void precedenceAcrossRules(String method, String path, String header, String expected) {
        var b = route("app", "prec", svc("app", "sidecar"), 0);
        b.addRules(rule().addMatches(prefix("/"))
                .addRequestHeaderModifiers(addHeader("r", "root"))
                .addBackends(backend(svc("app", "v2"), 80, 1)));
        b.addRules(rule().addMatches(prefix("/api"))
                .addRequestHeaderModifiers(addHeader("r", "prefix-short"))
                .addBackends(backend(svc("app", "v2"), 80, 1)));
        b.addRules(rule().addMatches(prefix("/api/v1"))
                .addRequestHeaderModifiers(addHeader("r", "prefix-long"))
                .addBackends(backend(svc("app", "v2"), 80, 1)));
        b.addRules(rule().addMatches(exact("/api/exact"))
                .addRequestHeaderModifiers(addHeader("r", "exact"))
                .addBackends(backend(svc("app", "v2"), 80, 1)));
        b.addRules(rule().addMatches(prefix("/api").toBuilder().setMethod("POST"))
                .addRequestHeaderModifiers(addHeader("r", "method"))
                .addBackends(backend(svc("app", "v2"), 80, 1)));
        b.addRules(rule().addMatches(prefix("/api").toBuilder()
                        .addHeaders(HeaderMatch.newBuilder().setName("X-Canary").setValue("yes")))
                .addRequestHeaderModifiers(addHeader("r", "header"))
                .addBackends(backend(svc("app", "v2"), 80, 1)));
        Map<String, List<String>> headers = header == null ? Map.of() : Map.of("x-canary", List.of(header));
        RouteDecision.Forward f = (RouteDecision.Forward) decide(List.of(convert(b)), method, path, headers);
        assertThat(f.requestHeaders().getFirst().add()).containsEntry("r", expected);
    }

    @Test
    void prefixMatchesWholeSegmentsAndQueryAndRegexMatches() {
        assertThat(Router.prefixMatches("/foo", "/foo")).isTrue();
        assertThat(Router.prefixMatches("/foo", "/foo/bar")).isTrue();
        assertThat(Router.prefixMatches("/foo/", "/foo/bar")).isTrue();
        assertThat(Router.prefixMatches("/foo", "/foobar")).isFalse();
        HttpRoute r = convert(route("app", "q", svc("app", "sidecar"), 0)
                .addRules(rule().addMatches(RouteMatch.newBuilder()
                                .setPathType(RouteMatch.PathType.REGULAR_EXPRESSION)
                                .setPath("/items/[0-9]+")
                                .addQueryParams(
                                        HeaderMatch.newBuilder().setName("v").setValue("2")))
                        .addBackends(backend(svc("app", "v2"), 80, 1))));
        assertThat(decide(List.of(r), "GET", "/items/42?v=2", Map.of())).isInstanceOf(RouteDecision.Forward.class);
        assertThat(decide(List.of(r), "GET", "/items/42?v=3", Map.of())).isInstanceOf(RouteDecision.Respond.class);
        assertThat(decide(List.of(r), "GET", "/items/x?v=2", Map.of())).isInstanceOf(RouteDecision.Respond.class);
    }

    @ParameterizedTest(name = "roll {0} of 100 -> {1}")
    @CsvSource({"0, sidecar", "79, sidecar", "80, v2", "99, v2"})
    void weightedBackends(int roll, String expected) {
        HttpRoute r = convert(route("app", "split", svc("app", "sidecar"), 80)
                .addRules(rule().addBackends(backend(svc("app", "sidecar"), 80, 80))
                        .addBackends(backend(svc("app", "v2"), 80, 20))
                        .addBackends(backend(svc("app", "never"), 80, 0))));
        RouteDecision d = Router.route(
                List.of(r), new RouteRequest(SIDECAR, 80, "GET", "/", "", Map.of()), "h", MESH::contains, bound -> {
                    assertThat(bound).isEqualTo(100);
                    return roll;
                });
        assertThat(((RouteDecision.Forward) d).service().hostname()).startsWith(expected + ".");
    }

    @Test
    void C113_redirectAnswersDirectlyWithLocation() {
        HttpRoute r = convert(route("app", "redir", svc("app", "sidecar"), 0)
                .addRules(rule().addMatches(exact("/old"))
                        .setDirectResponse(DirectResponse.newBuilder()
                                .setStatus(301)
                                .setLocation("http://sidecar.app.svc.cluster.local/new"))));
        assertThat(decide(List.of(r), "GET", "/old", Map.of()))
                .isInstanceOfSatisfying(RouteDecision.Respond.class, x -> {
                    assertThat(x.status()).isEqualTo(301);
                    assertThat(x.location()).contains("http://sidecar.app.svc.cluster.local/new");
                });
    }

    /** Gateway API RequestRedirect parts (scheme, hostname, port, path) over the request URL. */
    @ParameterizedTest(name = "{0} {1} {2} {3} {4} -> {5}")
    @CsvSource({
        "302, '', '', 0, '', http://sidecar.app.svc.cluster.local/old/a?q=1",
        "301, https, '', 0, '', https://sidecar.app.svc.cluster.local/old/a?q=1",
        "301, https, '', 8443, '', https://sidecar.app.svc.cluster.local:8443/old/a?q=1",
        "302, '', example.com, 0, '', http://example.com/old/a?q=1",
        "302, '', '', 8080, '', http://sidecar.app.svc.cluster.local:8080/old/a?q=1",
        "302, '', '', 0, /new, http://sidecar.app.svc.cluster.local/new/a?q=1",
    })
    void C113_redirectParts(int status, String scheme, String host, int port, String prefixPath, String expected) {
        HttpRoute r = convert(route("app", "parts", svc("app", "sidecar"), 0)
                .addRules(rule().addMatches(prefix("/old"))
                        .setDirectResponse(DirectResponse.newBuilder()
                                .setStatus(status)
                                .setRedirectScheme(scheme)
                                .setRedirectHostname(host)
                                .setRedirectPort(port)
                                .setRedirectPath(prefixPath)
                                .setRedirectReplacePrefixMatch(!prefixPath.isEmpty()))));
        RouteDecision d = Router.route(
                List.of(r),
                new RouteRequest(SIDECAR, 80, "GET", "/old/a", "q=1", Map.of()),
                "sidecar.app.svc.cluster.local:80",
                MESH::contains,
                bound -> 0);
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Respond.class, x -> {
            assertThat(x.status()).isEqualTo(status);
            assertThat(x.location()).contains(expected);
        });
    }

    @Test
    void C113_redirectKeepsANonDefaultServicePort() {
        HttpRoute r = convert(route("app", "p", svc("app", "sidecar"), 0)
                .addRules(rule().setDirectResponse(DirectResponse.newBuilder().setStatus(301))));
        RouteDecision d = Router.route(
                List.of(r),
                new RouteRequest(SIDECAR, 8080, "GET", "/x", "", Map.of()),
                "sidecar:8080",
                MESH::contains,
                bound -> 0);
        assertThat(((RouteDecision.Respond) d).location()).contains("http://sidecar:8080/x");
    }

    @ParameterizedTest(name = "{0} with prefix {1} -> {2} replace {3}: {4}")
    @CsvSource({
        "/old/a/b, /old, /new, true, /new/a/b",
        "/old, /old, /new, true, /new",
        "/old/a, /old, /, true, /a",
        "/old, /old, /, true, /",
        "/x/y, /, /pre, true, /pre/x/y",
        "/old/a, /old, /whole, false, /whole",
    })
    void C113_urlRewrite(String path, String matchPrefix, String replacement, boolean prefix, String expected) {
        HttpRoute r = convert(route("app", "rw", svc("app", "sidecar"), 0)
                .addRules(rule().addMatches(prefix(matchPrefix))
                        .setUrlRewrite(UrlRewrite.newBuilder()
                                .setPath(replacement)
                                .setReplacePrefixMatch(prefix)
                                .setHostname("rewritten.example"))
                        .addBackends(backend(svc("app", "sidecar"), 80, 1))));
        RouteDecision.Forward f = (RouteDecision.Forward) decide(List.of(r), "GET", path + "?q=1", Map.of());
        assertThat(f.path()).isEqualTo(expected + "?q=1");
        assertThat(f.host()).isEqualTo("rewritten.example");
    }

    @Test
    void timeoutsAndRetryCarriedToTheForward() {
        HttpRoute r = convert(route("app", "t", svc("app", "sidecar"), 0)
                .addRules(rule().setRequestTimeoutMs(1500)
                        .setBackendRequestTimeoutMs(500)
                        .setRetry(io.ambient4j.api.waypoint.Retry.newBuilder().setAttempts(2))
                        .addBackends(backend(svc("app", "sidecar"), 0, 1))));
        RouteDecision.Forward f = (RouteDecision.Forward) decide(List.of(r), "GET", "/", Map.of());
        assertThat(f.requestTimeoutMs()).isEqualTo(1500);
        assertThat(f.backendTimeoutMs()).isEqualTo(500);
        assertThat(f.port()).isEqualTo(80);
        assertThat(f.retry()).map(HttpRoute.Retry::codes).contains(List.of(500, 502, 503, 504));
        assertThat(f.retry()).map(HttpRoute.Retry::attempts).isEqualTo(Optional.of(2));
    }
}
