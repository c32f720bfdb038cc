package io.ambient4j.waypoint.route;

import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Gateway API HTTPRoute as the waypoint routes with it, converted once from {@code ambient4j.waypoint.HttpRoute}
 * (regexes compiled, defaults applied). Istiod has already resolved its parentRefs to the services it serves.
 */
public record HttpRoute(String name, String namespace, List<Parent> parents, List<Rule> rules) {
    public HttpRoute {
        parents = List.copyOf(parents);
        rules = List.copyOf(rules);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** Whether this route is attached to {@code service} on {@code port}. */
    public boolean attachedTo(NamespacedHostname service, int port) {
        return parents.stream().anyMatch(p -> p.service().equals(service) && (p.port() == 0 || p.port() == port));
    }

    /** @param port 0: every port of the service */
    public record Parent(NamespacedHostname service, int port) {}

    /**
     * @param matches any one selects the rule; never empty (no matches in the resource means {@code PathPrefix /})
     * @param requestTimeoutMs 0 = none
     * @param backendTimeoutMs 0 = none (per try)
     */
    public record Rule(
            List<Match> matches,
            List<HeaderModifier> requestHeaders,
            List<HeaderModifier> responseHeaders,
            List<Backend> backends,
            long requestTimeoutMs,
            long backendTimeoutMs,
            Optional<Retry> retry,
            Optional<DirectResponse> directResponse,
            Optional<UrlRewrite> rewrite) {
        public Rule {
            matches = List.copyOf(matches);
            requestHeaders = List.copyOf(requestHeaders);
            responseHeaders = List.copyOf(responseHeaders);
            backends = List.copyOf(backends);
        }
    }

    /** One HTTPRouteMatch: every given part must match. */
    public record Match(
            PathType pathType,
            String path,
            Optional<Pattern> pathRegex,
            List<ValueMatch> headers,
            List<ValueMatch> queryParams,
            Optional<String> method) {
        public Match {
            headers = List.copyOf(headers);
            queryParams = List.copyOf(queryParams);
        }
    }

    public enum PathType {
        PATH_PREFIX,
        EXACT,
        REGULAR_EXPRESSION
    }

    /** A header (name compared case-insensitively) or query parameter match, exact or by full regex. */
    public record ValueMatch(String name, Optional<Pattern> regex, String value) {
        public boolean matches(String actual) {
            return regex.map(p -> p.matcher(actual).matches()).orElse(value.equals(actual));
        }
    }

    /** Gateway API HTTPHeaderFilter: set replaces, add appends, remove drops (names case-insensitive). */
    public record HeaderModifier(Map<String, String> set, Map<String, String> add, List<String> remove) {
        public HeaderModifier {
            set = Map.copyOf(set);
            add = Map.copyOf(add);
            remove = List.copyOf(remove);
        }
    }

    /** @param weight 0 = never chosen */
    public record Backend(NamespacedHostname service, int port, int weight) {}

    /** @param codes never empty (defaults 500, 502, 503, 504 applied at conversion) */
    public record Retry(int attempts, List<Integer> codes, long backoffMs) {
        public Retry {
            codes = List.copyOf(codes);
        }
    }

    /**
     * A direct answer. For a 3xx without {@code location}, the Location is built from the request with the set
     * redirect parts replaced (Gateway API RequestRedirect).
     *
     * @param redirectPort 0: the scheme's default port when the scheme is set, else the request's port
     */
    public record DirectResponse(
            int status,
            String location,
            String redirectScheme,
            String redirectHostname,
            int redirectPort,
            String redirectPath,
            boolean redirectReplacePrefixMatch) {}

    /** @param path empty = keep; with {@code replacePrefixMatch} only the matched prefix is replaced */
    public record UrlRewrite(String hostname, String path, boolean replacePrefixMatch) {}
}
