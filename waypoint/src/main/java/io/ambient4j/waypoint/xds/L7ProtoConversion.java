package io.ambient4j.waypoint.xds;

import io.ambient4j.waypoint.policy.L7Policy;
import io.ambient4j.waypoint.policy.Matchers;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.ztunnel.rbac.IpNet;
import io.ambient4j.ztunnel.rbac.StringMatch;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The protobuf boundary for ambient4j's L7 types: {@code ambient4j.waypoint.L7Policy} and {@code HttpRoute} become
 * {@link L7Policy} and {@link HttpRoute} once, with regexes compiled and CIDRs parsed, so a bad value rejects only
 * its resource.
 */
public final class L7ProtoConversion {
    private L7ProtoConversion() {}

    public static L7Policy policy(String name, io.ambient4j.api.waypoint.L7Policy p) {
        if (p.getName().isEmpty() || p.getNamespace().isEmpty()) {
            throw new L7ConversionException(name, L7ConversionException.Reason.MISSING_FIELD, "name and namespace");
        }
        L7Policy.Action action = switch (p.getAction()) {
            case ALLOW -> L7Policy.Action.ALLOW;
            case DENY -> L7Policy.Action.DENY;
            case AUDIT -> L7Policy.Action.AUDIT;
            case UNRECOGNIZED ->
                throw new L7ConversionException(
                        name, L7ConversionException.Reason.UNKNOWN_ENUM, "action " + p.getActionValue());
        };
        List<L7Policy.Rule> rules = new ArrayList<>();
        for (var r : p.getRulesList()) {
            rules.add(new L7Policy.Rule(
                    r.getFromList().stream().map(s -> source(name, s)).toList(),
                    r.getToList().stream().map(o -> operation(name, o)).toList(),
                    r.getWhenList().stream()
                            .map(c -> new L7Policy.Condition(
                                    c.getKey(), strings(c.getValuesList()), strings(c.getNotValuesList())))
                            .toList()));
        }
        return new L7Policy(p.getName(), p.getNamespace(), action, p.getDryRun(), services(p.getServicesList()), rules);
    }

    private static L7Policy.Source source(String name, io.ambient4j.api.waypoint.L7Source s) {
        return new L7Policy.Source(
                strings(s.getPrincipalsList()),
                strings(s.getNotPrincipalsList()),
                strings(s.getNamespacesList()),
                strings(s.getNotNamespacesList()),
                cidrs(name, s.getIpBlocksList()),
                cidrs(name, s.getNotIpBlocksList()),
                strings(s.getRequestPrincipalsList()),
                strings(s.getNotRequestPrincipalsList()),
                cidrs(name, s.getRemoteIpBlocksList()),
                cidrs(name, s.getNotRemoteIpBlocksList()));
    }

    private static L7Policy.Operation operation(String name, io.ambient4j.api.waypoint.L7Operation o) {
        return new L7Policy.Operation(
                strings(o.getHostsList()),
                strings(o.getNotHostsList()),
                ports(name, o.getPortsList()),
                ports(name, o.getNotPortsList()),
                strings(o.getMethodsList()),
                strings(o.getNotMethodsList()),
                strings(o.getPathsList()),
                strings(o.getNotPathsList()));
    }

    private static List<StringMatch> strings(List<String> values) {
        return values.stream().map(Matchers::string).toList();
    }

    private static List<IpNet> cidrs(String name, List<String> values) {
        List<IpNet> out = new ArrayList<>();
        for (String v : values) {
            try {
                out.add(Matchers.ipNet(v));
            } catch (IllegalArgumentException e) {
                throw new L7ConversionException(name, L7ConversionException.Reason.INVALID_CIDR, v);
            }
        }
        return out;
    }

    private static List<Integer> ports(String name, List<String> values) {
        List<Integer> out = new ArrayList<>();
        for (String v : values) {
            try {
                int p = Integer.parseInt(v);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                out.add(p);
            } catch (NumberFormatException e) {
                throw new L7ConversionException(name, L7ConversionException.Reason.INVALID_PORT, v);
            }
        }
        return out;
    }

    private static List<NamespacedHostname> services(List<io.ambient4j.api.waypoint.ServiceRef> refs) {
        return refs.stream()
                .map(r -> new NamespacedHostname(r.getNamespace(), r.getHostname()))
                .toList();
    }

    public static HttpRoute route(String name, io.ambient4j.api.waypoint.HttpRoute r) {
        if (r.getName().isEmpty() || r.getNamespace().isEmpty()) {
            throw new L7ConversionException(name, L7ConversionException.Reason.MISSING_FIELD, "name and namespace");
        }
        List<HttpRoute.Parent> parents = new ArrayList<>();
        for (var p : r.getParentsList()) {
            if (!p.hasService() || p.getService().getHostname().isEmpty()) {
                throw new L7ConversionException(name, L7ConversionException.Reason.MISSING_FIELD, "parent service");
            }
            parents.add(new HttpRoute.Parent(
                    new NamespacedHostname(
                            p.getService().getNamespace(), p.getService().getHostname()),
                    port(name, p.getPort())));
        }
        List<HttpRoute.Rule> rules = new ArrayList<>();
        for (var rule : r.getRulesList()) {
            rules.add(rule(name, rule));
        }
        return new HttpRoute(r.getName(), r.getNamespace(), parents, rules);
    }

    private static HttpRoute.Rule rule(String name, io.ambient4j.api.waypoint.RouteRule r) {
        List<HttpRoute.Match> matches = new ArrayList<>();
        for (var m : r.getMatchesList()) {
            matches.add(match(name, m));
        }
        if (matches.isEmpty()) {
            matches.add(new HttpRoute.Match(
                    HttpRoute.PathType.PATH_PREFIX, "/", Optional.empty(), List.of(), List.of(), Optional.empty()));
        }
        List<HttpRoute.Backend> backends = new ArrayList<>();
        for (var b : r.getBackendsList()) {
            backends.add(new HttpRoute.Backend(
                    new NamespacedHostname(
                            b.getService().getNamespace(), b.getService().getHostname()),
                    port(name, b.getPort()),
                    b.getWeight()));
        }
        Optional<HttpRoute.Retry> retry = Optional.empty();
        if (r.hasRetry()) {
            List<Integer> codes = new ArrayList<>(r.getRetry().getCodesList());
            for (int c : codes) {
                status(name, c);
            }
            if (codes.isEmpty()) {
                codes = List.of(500, 502, 503, 504);
            }
            retry = Optional.of(new HttpRoute.Retry(
                    r.getRetry().getAttempts(), codes, r.getRetry().getBackoffMs()));
        }
        Optional<HttpRoute.DirectResponse> direct = Optional.empty();
        if (r.hasDirectResponse()) {
            var d = r.getDirectResponse();
            String scheme = d.getRedirectScheme();
            if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
                throw new L7ConversionException(
                        name, L7ConversionException.Reason.INVALID_REDIRECT, "scheme " + scheme);
            }
            direct = Optional.of(new HttpRoute.DirectResponse(
                    status(name, d.getStatus()),
                    d.getLocation(),
                    scheme,
                    d.getRedirectHostname(),
                    port(name, d.getRedirectPort()),
                    d.getRedirectPath(),
                    d.getRedirectReplacePrefixMatch()));
        }
        Optional<HttpRoute.UrlRewrite> rewrite = r.hasUrlRewrite()
                ? Optional.of(new HttpRoute.UrlRewrite(
                        r.getUrlRewrite().getHostname(),
                        r.getUrlRewrite().getPath(),
                        r.getUrlRewrite().getReplacePrefixMatch()))
                : Optional.empty();
        return new HttpRoute.Rule(
                matches,
                modifiers(r.getRequestHeaderModifiersList()),
                modifiers(r.getResponseHeaderModifiersList()),
                backends,
                r.getRequestTimeoutMs(),
                r.getBackendRequestTimeoutMs(),
                retry,
                direct,
                rewrite);
    }

    private static HttpRoute.Match match(String name, io.ambient4j.api.waypoint.RouteMatch m) {
        HttpRoute.PathType type = switch (m.getPathType()) {
            case PATH_PREFIX -> HttpRoute.PathType.PATH_PREFIX;
            case EXACT -> HttpRoute.PathType.EXACT;
            case REGULAR_EXPRESSION -> HttpRoute.PathType.REGULAR_EXPRESSION;
            case UNRECOGNIZED ->
                throw new L7ConversionException(
                        name, L7ConversionException.Reason.UNKNOWN_ENUM, "path type " + m.getPathTypeValue());
        };
        String path = m.getPath().isEmpty() ? "/" : m.getPath();
        Optional<Pattern> regex =
                type == HttpRoute.PathType.REGULAR_EXPRESSION ? Optional.of(regex(name, path)) : Optional.empty();
        return new HttpRoute.Match(
                type,
                path,
                regex,
                values(name, m.getHeadersList()),
                values(name, m.getQueryParamsList()),
                m.getMethod().isEmpty() ? Optional.empty() : Optional.of(m.getMethod()));
    }

    private static List<HttpRoute.ValueMatch> values(String name, List<io.ambient4j.api.waypoint.HeaderMatch> ms) {
        return ms.stream()
                .map(h -> new HttpRoute.ValueMatch(
                        h.getName(),
                        h.getRegex() ? Optional.of(regex(name, h.getValue())) : Optional.empty(),
                        h.getValue()))
                .toList();
    }

    private static List<HttpRoute.HeaderModifier> modifiers(List<io.ambient4j.api.waypoint.HeaderModifier> ms) {
        return ms.stream()
                .map(m -> new HttpRoute.HeaderModifier(m.getSetMap(), m.getAddMap(), m.getRemoveList()))
                .toList();
    }

    private static Pattern regex(String name, String re) {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new L7ConversionException(name, L7ConversionException.Reason.INVALID_REGEX, e.getDescription());
        }
    }

    private static int port(String name, int p) {
        if (p < 0 || p > 65535) {
            throw new L7ConversionException(name, L7ConversionException.Reason.INVALID_PORT, Integer.toString(p));
        }
        return p;
    }

    private static int status(String name, int s) {
        if (s < 100 || s > 599) {
            throw new L7ConversionException(name, L7ConversionException.Reason.INVALID_STATUS, Integer.toString(s));
        }
        return s;
    }
}
