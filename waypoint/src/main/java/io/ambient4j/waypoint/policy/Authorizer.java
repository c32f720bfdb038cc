package io.ambient4j.waypoint.policy;

import io.ambient4j.ztunnel.rbac.IpNet;
import io.ambient4j.ztunnel.rbac.StringMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * L7 authorization as Istio evaluates it at a waypoint (ambient-spec §8.2, C100), as a pure function of the
 * policies and the request: a matching DENY denies; then no ALLOW for the service allows; a matching ALLOW allows;
 * otherwise deny ({@code 403 RBAC: access denied}). Dry-run policies and AUDIT only report what they matched.
 */
public final class Authorizer {
    private Authorizer() {}

    /** Decides for {@code request} under every policy in {@code policies} that applies to its service. */
    public static Decision decide(List<L7Policy> policies, RequestAttributes request) {
        List<String> audited = new ArrayList<>();
        List<L7Policy> allows = new ArrayList<>();
        for (L7Policy p : policies) {
            if (!p.appliesTo(request.service())) {
                continue;
            }
            boolean match = matches(p, request);
            if (p.dryRun() || p.action() == L7Policy.Action.AUDIT) {
                if (match) {
                    audited.add((p.dryRun() ? "dry-run " + p.action() + " " : "AUDIT ") + p.key());
                }
                continue;
            }
            if (p.action() == L7Policy.Action.DENY) {
                if (match) {
                    return new Decision(false, "denied by " + p.key(), audited);
                }
            } else {
                allows.add(p);
            }
        }
        if (allows.isEmpty()) {
            return new Decision(true, "no ALLOW policy", audited);
        }
        for (L7Policy p : allows) {
            if (matches(p, request)) {
                return new Decision(true, "allowed by " + p.key(), audited);
            }
        }
        return new Decision(false, "no ALLOW policy matched", audited);
    }

    static boolean matches(L7Policy p, RequestAttributes r) {
        for (L7Policy.Rule rule : p.rules()) {
            if (matches(rule, r)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(L7Policy.Rule rule, RequestAttributes r) {
        if (!rule.from().isEmpty() && rule.from().stream().noneMatch(s -> matches(s, r))) {
            return false;
        }
        if (!rule.to().isEmpty() && rule.to().stream().noneMatch(o -> matches(o, r))) {
            return false;
        }
        return rule.when().stream().allMatch(c -> matches(c, r));
    }

    static boolean matches(L7Policy.Source s, RequestAttributes r) {
        Optional<String> principal = r.principal().map(id -> id.uri());
        Optional<String> namespace = r.principal().map(id -> id.namespace());
        return field(
                        s.principals(),
                        s.notPrincipals(),
                        m -> principal.map(p -> principal(m, p)).orElse(false))
                && field(
                        s.namespaces(),
                        s.notNamespaces(),
                        m -> namespace.map(m::matches).orElse(false))
                && ips(s.ipBlocks(), s.notIpBlocks(), r.sourceIp())
                // remoteIpBlocks: the original client; with no trusted proxy hops configured (Istio's default
                // numTrustedProxies 0) that is the peer itself, so X-Forwarded-For from the client is not trusted.
                && ips(s.remoteIpBlocks(), s.notRemoteIpBlocks(), r.sourceIp())
                // No RequestAuthentication (JWT) support yet: there is never a request principal.
                && field(s.requestPrincipals(), s.notRequestPrincipals(), m -> false);
    }

    static boolean matches(L7Policy.Operation o, RequestAttributes r) {
        String host = r.host().toLowerCase(Locale.ROOT);
        String hostNoPort = stripPort(host);
        return field(o.hosts(), o.notHosts(), m -> hostMatch(m, host) || hostMatch(m, hostNoPort))
                && (o.ports().isEmpty() || o.ports().contains(r.destinationPort()))
                && !o.notPorts().contains(r.destinationPort())
                && field(o.methods(), o.notMethods(), m -> m.matches(r.method()))
                && field(o.paths(), o.notPaths(), m -> m.matches(r.path()));
    }

    static boolean matches(L7Policy.Condition c, RequestAttributes r) {
        List<String> values = conditionValues(c.key(), r);
        boolean in = c.values().isEmpty() || values.stream().anyMatch(v -> any(c.values(), v, c.key()));
        boolean out = values.stream().anyMatch(v -> any(c.notValues(), v, c.key()));
        return !values.isEmpty() ? in && !out : c.values().isEmpty();
    }

    /** The request's values for a {@code when} key; empty when the key is unknown or absent. */
    static List<String> conditionValues(String key, RequestAttributes r) {
        if (key.startsWith("request.headers[") && key.endsWith("]")) {
            String name =
                    key.substring("request.headers[".length(), key.length() - 1).toLowerCase(Locale.ROOT);
            return r.headers().getOrDefault(name, List.of());
        }
        return switch (key) {
            case "source.ip", "remote.ip" -> List.of(r.sourceIp().getHostAddress());
            case "source.namespace" ->
                r.principal().map(p -> List.of(p.namespace())).orElse(List.of());
            case "source.principal" -> r.principal().map(p -> List.of(p.uri())).orElse(List.of());
            case "destination.ip" -> List.of(r.destinationIp().getHostAddress());
            case "destination.port" -> List.of(Integer.toString(r.destinationPort()));
            default -> List.of();
        };
    }

    private static boolean any(List<StringMatch> ms, String v, String key) {
        boolean ip = key.equals("source.ip") || key.equals("remote.ip") || key.equals("destination.ip");
        for (StringMatch m : ms) {
            if (key.equals("source.principal") ? principal(m, v) : m.matches(v)) {
                return true;
            }
            if (ip && m instanceof StringMatch.Exact(String cidr) && cidrContains(cidr, v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean cidrContains(String cidr, String ip) {
        try {
            return Matchers.ipNet(cidr).contains(java.net.InetAddress.ofLiteral(ip));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Istio writes principals without {@code spiffe://}; a value that carries the scheme is matched as is. */
    static boolean principal(StringMatch m, String identityUri) {
        if (m instanceof StringMatch.Exact(String v) && v.startsWith("spiffe://")
                || m instanceof StringMatch.Prefix(String p) && p.startsWith("spiffe://")) {
            return m.matches(identityUri);
        }
        return m.matchesPrincipal(identityUri);
    }

    private static boolean hostMatch(StringMatch m, String host) {
        return switch (m) {
            case StringMatch.Exact(String v) -> v.equalsIgnoreCase(host);
            case StringMatch.Prefix(String v) -> host.startsWith(v.toLowerCase(Locale.ROOT));
            case StringMatch.Suffix(String v) -> host.endsWith(v.toLowerCase(Locale.ROOT));
            case StringMatch.Presence() -> !host.isEmpty();
        };
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0
                        && host.indexOf(']') < colon
                        && host.chars().filter(ch -> ch == ':').count() == 1
                ? host.substring(0, colon)
                : host;
    }

    private static boolean ips(List<IpNet> in, List<IpNet> out, java.net.InetAddress ip) {
        return (in.isEmpty() || in.stream().anyMatch(n -> n.contains(ip)))
                && out.stream().noneMatch(n -> n.contains(ip));
    }

    private static boolean field(
            List<StringMatch> in, List<StringMatch> out, java.util.function.Predicate<StringMatch> test) {
        return (in.isEmpty() || in.stream().anyMatch(test)) && out.stream().noneMatch(test);
    }
}
