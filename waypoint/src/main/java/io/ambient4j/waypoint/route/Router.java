package io.ambient4j.waypoint.route;

import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * Route selection for one request (Gateway API HTTPRoute semantics), as a pure function: among the rules of every
 * route attached to the addressed service and port, the most specific matching match wins — Exact path before
 * prefix, longer prefix first, then method, more header matches, more query matches, then route name and rule
 * order — as the Gateway API's precedence rules say. No route ⇒ the addressed service itself.
 */
public final class Router {
    private Router() {}

    /** A match of one rule of one route, for ordering. */
    private record Candidate(HttpRoute route, int ruleIndex, HttpRoute.Rule rule, HttpRoute.Match match) {}

    /**
     * @param backendExists whether a backend service exists in the mesh state (a missing one answers 500)
     * @param random {@code bound → [0, bound)} for the weighted backend choice
     */
    public static RouteDecision route(
            List<HttpRoute> routes,
            RouteRequest req,
            String hostHeader,
            Predicate<NamespacedHostname> backendExists,
            IntUnaryOperator random) {
        List<Candidate> candidates = new ArrayList<>();
        boolean anyAttached = false;
        for (HttpRoute r : routes) {
            if (!r.attachedTo(req.service(), req.port())) {
                continue;
            }
            anyAttached = true;
            for (int i = 0; i < r.rules().size(); i++) {
                HttpRoute.Rule rule = r.rules().get(i);
                for (HttpRoute.Match m : rule.matches()) {
                    candidates.add(new Candidate(r, i, rule, m));
                }
            }
        }
        String pathAndQuery = req.query().isEmpty() ? req.path() : req.path() + "?" + req.query();
        if (!anyAttached) {
            return new RouteDecision.Forward(
                    "default",
                    req.service(),
                    req.port(),
                    pathAndQuery,
                    hostHeader,
                    List.of(),
                    List.of(),
                    0,
                    0,
                    Optional.empty());
        }
        candidates.sort(PRECEDENCE);
        for (Candidate c : candidates) {
            if (matches(c.match(), req)) {
                return decide(c, req, hostHeader, backendExists, random);
            }
        }
        // Routes are attached but none matched: Gateway API answers 404.
        return new RouteDecision.Respond("no-match", 404, Optional.empty(), List.of());
    }

    private static final Comparator<Candidate> PRECEDENCE = Comparator.<Candidate>comparingInt(
                    c -> c.match().pathType() == HttpRoute.PathType.EXACT ? 0 : 1)
            .thenComparingInt(c -> c.match().pathType() == HttpRoute.PathType.PATH_PREFIX
                    ? -c.match().path().length()
                    : 0)
            .thenComparingInt(c -> c.match().method().isPresent() ? 0 : 1)
            .thenComparingInt(c -> -c.match().headers().size())
            .thenComparingInt(c -> -c.match().queryParams().size())
            .thenComparing(c -> c.route().key())
            .thenComparingInt(Candidate::ruleIndex);

    static boolean matches(HttpRoute.Match m, RouteRequest req) {
        if (m.method().isPresent() && !m.method().get().equals(req.method())) {
            return false;
        }
        if (!pathMatches(m, req.path())) {
            return false;
        }
        for (HttpRoute.ValueMatch h : m.headers()) {
            List<String> values = req.headers().getOrDefault(h.name().toLowerCase(java.util.Locale.ROOT), List.of());
            if (values.isEmpty() || !h.matches(String.join(",", values))) {
                return false;
            }
        }
        for (HttpRoute.ValueMatch q : m.queryParams()) {
            Optional<String> v = queryParam(req.query(), q.name());
            if (v.isEmpty() || !q.matches(v.get())) {
                return false;
            }
        }
        return true;
    }

    static boolean pathMatches(HttpRoute.Match m, String path) {
        return switch (m.pathType()) {
            case EXACT -> path.equals(m.path());
            case REGULAR_EXPRESSION ->
                m.pathRegex().map(p -> p.matcher(path).matches()).orElse(false);
            case PATH_PREFIX -> prefixMatches(m.path(), path);
        };
    }

    /** Gateway API PathPrefix matches whole path elements: {@code /foo} matches {@code /foo/bar}, not {@code /foobar}. */
    static boolean prefixMatches(String prefix, String path) {
        String p = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (p.equals("/") || p.isEmpty()) {
            return true;
        }
        return path.equals(p) || path.startsWith(p + "/");
    }

    static Optional<String> queryParam(String query, String name) {
        if (query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(k).equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static RouteDecision decide(
            Candidate c,
            RouteRequest req,
            String hostHeader,
            Predicate<NamespacedHostname> backendExists,
            IntUnaryOperator random) {
        HttpRoute.Rule rule = c.rule();
        String name = c.route().key();
        if (rule.directResponse().isPresent()) {
            HttpRoute.DirectResponse d = rule.directResponse().get();
            Optional<String> location = !d.location().isEmpty()
                    ? Optional.of(d.location())
                    : d.status() >= 300 && d.status() < 400
                            ? Optional.of(redirectLocation(d, c.match(), req, hostHeader))
                            : Optional.empty();
            return new RouteDecision.Respond(name, d.status(), location, rule.responseHeaders());
        }
        Optional<HttpRoute.Backend> backend = pickBackend(rule.backends(), random);
        if (backend.isEmpty() || !backendExists.test(backend.get().service())) {
            // Gateway API: no (valid) backend ⇒ 500, as Istio's Envoy config answers.
            return new RouteDecision.Respond(name, 500, Optional.empty(), rule.responseHeaders());
        }
        HttpRoute.Backend b = backend.get();
        String path = rewritePath(rule.rewrite(), c.match(), req.path());
        String host = rule.rewrite()
                .map(HttpRoute.UrlRewrite::hostname)
                .filter(h -> !h.isEmpty())
                .orElse(hostHeader);
        return new RouteDecision.Forward(
                name,
                b.service(),
                b.port() == 0 ? req.port() : b.port(),
                req.query().isEmpty() ? path : path + "?" + req.query(),
                host,
                rule.requestHeaders(),
                rule.responseHeaders(),
                rule.requestTimeoutMs(),
                rule.backendTimeoutMs(),
                rule.retry());
    }

    /**
     * Gateway API RequestRedirect: the request URL ({@code http://<Host><path>?<query>}) with the set parts replaced;
     * the port is the given one, else the new scheme's default, else the addressed service port, and is omitted when
     * it is the scheme's default.
     */
    static String redirectLocation(HttpRoute.DirectResponse d, HttpRoute.Match match, RouteRequest req, String host) {
        String scheme = d.redirectScheme().isEmpty() ? "http" : d.redirectScheme();
        String hostname = d.redirectHostname().isEmpty() ? stripPort(host) : d.redirectHostname();
        int port = d.redirectPort() != 0
                ? d.redirectPort()
                : !d.redirectScheme().isEmpty() ? defaultPort(scheme) : req.port();
        String path = d.redirectPath().isEmpty()
                ? req.path()
                : rewritePath(
                        Optional.of(new HttpRoute.UrlRewrite("", d.redirectPath(), d.redirectReplacePrefixMatch())),
                        match,
                        req.path());
        StringBuilder sb = new StringBuilder(scheme).append("://").append(hostname);
        if (port != defaultPort(scheme)) {
            sb.append(':').append(port);
        }
        sb.append(path);
        if (!req.query().isEmpty()) {
            sb.append('?').append(req.query());
        }
        return sb.toString();
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(0, close + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** Weighted choice among backends of weight > 0; empty when there is none. */
    static Optional<HttpRoute.Backend> pickBackend(List<HttpRoute.Backend> backends, IntUnaryOperator random) {
        int total = backends.stream().mapToInt(HttpRoute.Backend::weight).sum();
        if (total <= 0) {
            return Optional.empty();
        }
        int pick = random.applyAsInt(total);
        for (HttpRoute.Backend b : backends) {
            pick -= b.weight();
            if (pick < 0) {
                return Optional.of(b);
            }
        }
        return Optional.of(backends.getLast());
    }

    /** URLRewrite: replace the whole path, or only the prefix the rule matched (keeping a single slash). */
    static String rewritePath(Optional<HttpRoute.UrlRewrite> rewrite, HttpRoute.Match match, String path) {
        if (rewrite.isEmpty()
                || rewrite.get().path().isEmpty() && !rewrite.get().replacePrefixMatch()) {
            return path;
        }
        HttpRoute.UrlRewrite rw = rewrite.get();
        if (!rw.replacePrefixMatch() || match.pathType() != HttpRoute.PathType.PATH_PREFIX) {
            return rw.path();
        }
        String prefix = match.path().length() > 1 && match.path().endsWith("/")
                ? match.path().substring(0, match.path().length() - 1)
                : match.path();
        String rest = prefix.equals("/") ? path : path.substring(Math.min(prefix.length(), path.length()));
        String replacement = rw.path();
        if (replacement.endsWith("/") && rest.startsWith("/")) {
            rest = rest.substring(1);
        } else if (!replacement.endsWith("/") && !rest.isEmpty() && !rest.startsWith("/")) {
            rest = "/" + rest;
        }
        String out = replacement + rest;
        return out.isEmpty() ? "/" : out;
    }
}
