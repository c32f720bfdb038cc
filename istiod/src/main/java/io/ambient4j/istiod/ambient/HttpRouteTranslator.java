package io.ambient4j.istiod.ambient;

import io.ambient4j.api.waypoint.BackendRef;
import io.ambient4j.api.waypoint.DirectResponse;
import io.ambient4j.api.waypoint.HeaderMatch;
import io.ambient4j.api.waypoint.HeaderModifier;
import io.ambient4j.api.waypoint.HttpRoute;
import io.ambient4j.api.waypoint.Retry;
import io.ambient4j.api.waypoint.RouteMatch;
import io.ambient4j.api.waypoint.RouteParent;
import io.ambient4j.api.waypoint.RouteRule;
import io.ambient4j.api.waypoint.ServiceRef;
import io.ambient4j.api.waypoint.UrlRewrite;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.kube.crd.HTTPRouteSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gateway API HTTPRoute → {@code ambient4j.waypoint.HttpRoute} for the waypoints it concerns (spec §7.4). Pure.
 *
 * <p>Parents: a Service (group {@code ""}, kind {@code Service}, GAMMA) or ServiceEntry bound to a waypoint
 * attaches the route to that service at that waypoint (with the parent port when given); the waypoint
 * {@code Gateway} itself (the Gateway API default parent kind) attaches it to every service bound to the
 * waypoint, narrowed by {@code hostnames}. A route whose parents reach no ready waypoint is not published.
 *
 * <p>Backends are Services (or ServiceEntries) by hostname. A backend that does not exist, or of an unsupported
 * kind, stays in the rule under the name it would have, so the waypoint answers 500 for the share of traffic
 * it would get (Gateway API semantics); when every backend of a rule is invalid the rule also carries a direct
 * 500. Filters: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite; others are reported
 * and skipped (no HTTPRoute status writer exists yet, so problems are logged by the index).
 */
public final class HttpRouteTranslator {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,5})(ms|h|m|s)");

    private HttpRouteTranslator() {}

    /** Translates one route. */
    public static L7Targets.Result translate(HTTPRoute route, L7Targets targets, MeshSettings mesh) {
        var meta = route.getMetadata();
        String ns = meta.getNamespace();
        List<String> problems = new ArrayList<>();
        HTTPRouteSpec spec = route.getSpec() == null ? new HTTPRouteSpec() : route.getSpec();
        HttpRoute.Builder out = HttpRoute.newBuilder().setName(meta.getName()).setNamespace(ns);
        Set<String> audience = new LinkedHashSet<>();
        Set<RouteParent> parents = new LinkedHashSet<>();
        for (HTTPRouteSpec.ParentReference p :
                spec.parentRefs == null ? List.<HTTPRouteSpec.ParentReference>of() : spec.parentRefs) {
            if (p == null) {
                continue;
            }
            String group = p.group == null ? L7PolicyTranslator.GATEWAY_GROUP : p.group;
            String kind = p.kind == null ? "Gateway" : p.kind;
            String pNs = p.namespace == null || p.namespace.isEmpty() ? ns : p.namespace;
            String name = p.name == null ? "" : p.name;
            int port = p.port == null ? 0 : p.port;
            String what = kind + " " + pNs + "/" + name;
            switch (group + "|" + kind) {
                case L7PolicyTranslator.GATEWAY_GROUP + "|Gateway" -> {
                    String key = pNs + "/" + name;
                    if (!targets.waypoints().containsKey(key)) {
                        problems.add("parentRef " + what + " is not a ready waypoint");
                        continue;
                    }
                    audience.add(key);
                    for (ServiceRef s : targets.servicesOf(key)) {
                        parents.add(RouteParent.newBuilder()
                                .setService(s)
                                .setPort(port)
                                .build());
                    }
                }
                case "|Service", "core|Service", L7PolicyTranslator.ISTIO_NETWORKING_GROUP + "|ServiceEntry" -> {
                    L7Targets.Target t = targets.services()
                            .get(
                                    kind.equals("Service")
                                            ? L7Targets.serviceKey(pNs, name)
                                            : L7Targets.serviceEntryKey(pNs, name));
                    if (t == null) {
                        problems.add("parentRef " + what + " does not exist");
                    } else if (t.waypoint() == null) {
                        problems.add("parentRef " + what + " is not bound to a waypoint");
                    } else {
                        audience.add(t.waypoint());
                        for (ServiceRef s : t.refs()) {
                            parents.add(RouteParent.newBuilder()
                                    .setService(s)
                                    .setPort(port)
                                    .build());
                        }
                    }
                }
                default -> problems.add("parentRef " + group + "/" + what + " is not a supported parent kind");
            }
        }
        if (audience.isEmpty()) {
            return new L7Targets.Result(null, problems);
        }
        out.addAllParents(parents);
        if (spec.hostnames != null) {
            spec.hostnames.stream().filter(h -> h != null).forEach(out::addHostnames);
        }
        List<HTTPRouteSpec.Rule> rules = spec.rules == null ? List.of() : spec.rules;
        for (int i = 0; i < rules.size(); i++) {
            HTTPRouteSpec.Rule r = rules.get(i) == null ? new HTTPRouteSpec.Rule() : rules.get(i);
            out.addRules(rule(r, "rules[" + i + "]", ns, targets, mesh, problems));
        }
        return new L7Targets.Result(new L7Targets.Targeted(out.build(), audience), problems);
    }

    static RouteRule rule(
            HTTPRouteSpec.Rule r, String path, String ns, L7Targets targets, MeshSettings mesh, List<String> problems) {
        RouteRule.Builder b = RouteRule.newBuilder();
        if (r.matches != null) {
            for (HTTPRouteSpec.Match m : r.matches) {
                if (m != null) {
                    b.addMatches(match(m, path, problems));
                }
            }
        }
        boolean redirected = false;
        if (r.filters != null) {
            for (int i = 0; i < r.filters.size(); i++) {
                HTTPRouteSpec.Filter f = r.filters.get(i);
                if (f == null) {
                    continue;
                }
                String type = f.type == null ? "" : f.type;
                String fp = path + ".filters[" + i + "]";
                switch (type) {
                    case "RequestHeaderModifier" -> b.addRequestHeaderModifiers(headers(f.requestHeaderModifier));
                    case "ResponseHeaderModifier" -> b.addResponseHeaderModifiers(headers(f.responseHeaderModifier));
                    case "RequestRedirect" -> {
                        b.setDirectResponse(redirect(f.requestRedirect));
                        redirected = true;
                    }
                    case "URLRewrite" -> b.setUrlRewrite(rewrite(f.urlRewrite));
                    default -> problems.add(fp + ": filter type \"" + type + "\" is not supported; skipped");
                }
            }
        }
        List<HTTPRouteSpec.BackendRef> backends = r.backendRefs == null ? List.of() : r.backendRefs;
        int valid = 0;
        for (int i = 0; i < backends.size(); i++) {
            HTTPRouteSpec.BackendRef ref = backends.get(i);
            if (ref == null) {
                continue;
            }
            if (ref.filters != null && !ref.filters.isEmpty()) {
                problems.add(path + ".backendRefs[" + i + "]: per-backend filters are not supported; skipped");
            }
            String group = ref.group == null ? "" : ref.group;
            String kind = ref.kind == null ? "Service" : ref.kind;
            String bNs = ref.namespace == null || ref.namespace.isEmpty() ? ns : ref.namespace;
            String name = ref.name == null ? "" : ref.name;
            BackendRef.Builder br = BackendRef.newBuilder()
                    .setPort(ref.port == null ? 0 : ref.port)
                    .setWeight(ref.weight == null ? 1 : ref.weight);
            String key = null;
            if ((group.isEmpty() || group.equals("core")) && kind.equals("Service")) {
                key = L7Targets.serviceKey(bNs, name);
            } else if (group.equals(L7PolicyTranslator.ISTIO_NETWORKING_GROUP) && kind.equals("ServiceEntry")) {
                key = L7Targets.serviceEntryKey(bNs, name);
            }
            L7Targets.Target t = key == null ? null : targets.services().get(key);
            if (t != null && !t.hostnames().isEmpty()) {
                valid++;
                br.setService(ServiceRef.newBuilder()
                        .setNamespace(bNs)
                        .setHostname(t.hostnames().getFirst()));
            } else {
                problems.add(path + ".backendRefs[" + i + "]: " + group + "/" + kind + " " + bNs + "/" + name
                        + " not found; requests routed to it get 500");
                br.setService(ServiceRef.newBuilder()
                        .setNamespace(bNs)
                        .setHostname(name + "." + bNs + ".svc." + mesh.domainSuffix()));
            }
            b.addBackends(br);
        }
        if (!redirected && !backends.isEmpty() && valid == 0) {
            b.setDirectResponse(DirectResponse.newBuilder().setStatus(500));
        }
        if (r.timeouts != null) {
            b.setRequestTimeoutMs(duration(r.timeouts.request, path + ".timeouts.request", problems));
            b.setBackendRequestTimeoutMs(
                    duration(r.timeouts.backendRequest, path + ".timeouts.backendRequest", problems));
        }
        if (r.retry != null) {
            Retry.Builder rb = Retry.newBuilder()
                    .setAttempts(r.retry.attempts == null ? 0 : Math.max(0, r.retry.attempts))
                    .setBackoffMs(duration(r.retry.backoff, path + ".retry.backoff", problems));
            if (r.retry.codes != null) {
                r.retry.codes.stream().filter(c -> c != null).forEach(rb::addCodes);
            }
            b.setRetry(rb);
        }
        return b.build();
    }

    static RouteMatch match(HTTPRouteSpec.Match m, String path, List<String> problems) {
        RouteMatch.Builder b = RouteMatch.newBuilder();
        if (m.path == null) {
            b.setPathType(RouteMatch.PathType.PATH_PREFIX).setPath("/");
        } else {
            String type = m.path.type == null ? "PathPrefix" : m.path.type;
            b.setPath(m.path.value == null ? "/" : m.path.value);
            switch (type) {
                case "Exact" -> b.setPathType(RouteMatch.PathType.EXACT);
                case "RegularExpression" -> b.setPathType(RouteMatch.PathType.REGULAR_EXPRESSION);
                case "PathPrefix" -> b.setPathType(RouteMatch.PathType.PATH_PREFIX);
                default -> {
                    problems.add(path + ": path match type \"" + type + "\" is unknown; treated as PathPrefix");
                    b.setPathType(RouteMatch.PathType.PATH_PREFIX);
                }
            }
        }
        if (m.headers != null) {
            m.headers.stream().filter(h -> h != null).forEach(h -> b.addHeaders(valueMatch(h)));
        }
        if (m.queryParams != null) {
            m.queryParams.stream().filter(h -> h != null).forEach(h -> b.addQueryParams(valueMatch(h)));
        }
        if (m.method != null) {
            b.setMethod(m.method);
        }
        return b.build();
    }

    private static HeaderMatch valueMatch(HTTPRouteSpec.ValueMatch v) {
        return HeaderMatch.newBuilder()
                .setRegex("RegularExpression".equals(v.type))
                .setName(v.name == null ? "" : v.name)
                .setValue(v.value == null ? "" : v.value)
                .build();
    }

    private static HeaderModifier headers(HTTPRouteSpec.HeaderFilter f) {
        HeaderModifier.Builder b = HeaderModifier.newBuilder();
        if (f == null) {
            return b.build();
        }
        if (f.set != null) {
            f.set.stream().filter(h -> h != null && h.name != null).forEach(h -> b.putSet(h.name, nz(h.value)));
        }
        if (f.add != null) {
            f.add.stream().filter(h -> h != null && h.name != null).forEach(h -> b.putAdd(h.name, nz(h.value)));
        }
        if (f.remove != null) {
            f.remove.stream().filter(h -> h != null).forEach(b::addRemove);
        }
        return b.build();
    }

    private static DirectResponse redirect(HTTPRouteSpec.Redirect r) {
        DirectResponse.Builder b = DirectResponse.newBuilder();
        if (r == null) {
            return b.setStatus(302).build();
        }
        b.setStatus(r.statusCode == null ? 302 : r.statusCode)
                .setRedirectScheme(nz(r.scheme))
                .setRedirectHostname(nz(r.hostname))
                .setRedirectPort(r.port == null ? 0 : r.port);
        if (r.path != null) {
            if ("ReplacePrefixMatch".equals(r.path.type)) {
                b.setRedirectPath(nz(r.path.replacePrefixMatch)).setRedirectReplacePrefixMatch(true);
            } else {
                b.setRedirectPath(nz(r.path.replaceFullPath));
            }
        }
        return b.build();
    }

    private static UrlRewrite rewrite(HTTPRouteSpec.Rewrite r) {
        UrlRewrite.Builder b = UrlRewrite.newBuilder();
        if (r == null) {
            return b.build();
        }
        b.setHostname(nz(r.hostname));
        if (r.path != null) {
            if ("ReplacePrefixMatch".equals(r.path.type)) {
                b.setPath(nz(r.path.replacePrefixMatch)).setReplacePrefixMatch(true);
            } else {
                b.setPath(nz(r.path.replaceFullPath));
            }
        }
        return b.build();
    }

    /**
     * A Gateway API duration ({@code 1h}, {@code 10s}, {@code 500ms}, {@code 1m30s}: 1–4 number+unit parts) in
     * milliseconds; null or empty is 0. A malformed one is reported and counts as 0 (no timeout).
     */
    static long duration(String d, String path, List<String> problems) {
        if (d == null || d.isEmpty()) {
            return 0;
        }
        Matcher m = DURATION.matcher(d);
        long total = 0;
        int end = 0;
        int parts = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> n * 3_600_000L;
                case "m" -> n * 60_000L;
                case "s" -> n * 1000L;
                default -> n;
            };
            end = m.end();
            parts++;
        }
        if (end != d.length() || parts > 4) {
            problems.add(path + ": \"" + d + "\" is not a Gateway API duration; ignored");
            return 0;
        }
        return total;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
