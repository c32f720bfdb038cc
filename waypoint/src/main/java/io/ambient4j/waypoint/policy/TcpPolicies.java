package io.ambient4j.waypoint.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The policies as they apply to traffic the waypoint relays without HTTP (a TCP, TLS, HTTP/2 or gRPC port, an upgraded
 * connection, or bytes that are not HTTP/1.x), as Istio applies HTTP-only fields to TCP (ambient-spec §8.2): an ALLOW
 * (or AUDIT) rule that uses an HTTP-only field matches nothing (stricter); a DENY rule loses its HTTP-only parts
 * (broader), and has no effect if nothing remains. Pure, so {@link Authorizer#decide} then runs unchanged.
 */
public final class TcpPolicies {
    /** {@code when} keys a TCP connection has values for. */
    static final Set<String> L4_KEYS = Set.of(
            "source.ip",
            "source.namespace",
            "source.principal",
            "destination.ip",
            "destination.port",
            "connection.sni");

    private TcpPolicies() {}

    public static List<L7Policy> forTcp(List<L7Policy> policies) {
        return policies.stream().map(TcpPolicies::forTcp).toList();
    }

    static L7Policy forTcp(L7Policy p) {
        List<L7Policy.Rule> rules = new ArrayList<>();
        for (L7Policy.Rule r : p.rules()) {
            if (!usesHttp(r)) {
                rules.add(r);
            } else if (p.action() == L7Policy.Action.DENY) {
                L7Policy.Rule stripped = strip(r);
                if (!isEmpty(stripped)) {
                    rules.add(stripped);
                }
            }
            // ALLOW / AUDIT with HTTP-only fields: the rule is dropped.
        }
        return new L7Policy(p.name(), p.namespace(), p.action(), p.dryRun(), p.services(), rules);
    }

    static boolean usesHttp(L7Policy.Rule r) {
        return r.from().stream().anyMatch(TcpPolicies::usesHttp)
                || r.to().stream().anyMatch(TcpPolicies::usesHttp)
                || r.when().stream().anyMatch(c -> !L4_KEYS.contains(c.key()));
    }

    private static boolean usesHttp(L7Policy.Source s) {
        return !s.requestPrincipals().isEmpty()
                || !s.notRequestPrincipals().isEmpty()
                || !s.remoteIpBlocks().isEmpty()
                || !s.notRemoteIpBlocks().isEmpty();
    }

    private static boolean usesHttp(L7Policy.Operation o) {
        return !o.hosts().isEmpty()
                || !o.notHosts().isEmpty()
                || !o.methods().isEmpty()
                || !o.notMethods().isEmpty()
                || !o.paths().isEmpty()
                || !o.notPaths().isEmpty();
    }

    private static L7Policy.Rule strip(L7Policy.Rule r) {
        List<L7Policy.Source> from = r.from().stream()
                .map(s -> new L7Policy.Source(
                        s.principals(),
                        s.notPrincipals(),
                        s.namespaces(),
                        s.notNamespaces(),
                        s.ipBlocks(),
                        s.notIpBlocks(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of()))
                .filter(s -> !isEmpty(s))
                .toList();
        List<L7Policy.Operation> to = r.to().stream()
                .map(o -> new L7Policy.Operation(
                        List.of(), List.of(), o.ports(), o.notPorts(), List.of(), List.of(), List.of(), List.of()))
                .filter(o -> !o.ports().isEmpty() || !o.notPorts().isEmpty())
                .toList();
        List<L7Policy.Condition> when =
                r.when().stream().filter(c -> L4_KEYS.contains(c.key())).toList();
        return new L7Policy.Rule(from, to, when);
    }

    private static boolean isEmpty(L7Policy.Source s) {
        return s.principals().isEmpty()
                && s.notPrincipals().isEmpty()
                && s.namespaces().isEmpty()
                && s.notNamespaces().isEmpty()
                && s.ipBlocks().isEmpty()
                && s.notIpBlocks().isEmpty();
    }

    private static boolean isEmpty(L7Policy.Rule r) {
        return r.from().isEmpty() && r.to().isEmpty() && r.when().isEmpty();
    }
}
