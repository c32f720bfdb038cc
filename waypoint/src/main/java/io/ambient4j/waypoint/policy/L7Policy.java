package io.ambient4j.waypoint.policy;

import io.ambient4j.ztunnel.rbac.IpNet;
import io.ambient4j.ztunnel.rbac.StringMatch;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.List;

/**
 * An AuthorizationPolicy as the waypoint enforces it, converted once from {@code ambient4j.waypoint.L7Policy} so the
 * per-request decision ({@link Authorizer}) works on plain values. Strings carry Istio's matching (exact,
 * {@code prefix*}, {@code *suffix}, {@code *} = present); an empty list means "not constrained".
 *
 * @param services the services it applies to; empty = every service of this waypoint
 * @param rules Istio: no rules matches nothing (ALLOW with no rules denies all)
 */
public record L7Policy(
        String name,
        String namespace,
        Action action,
        boolean dryRun,
        List<NamespacedHostname> services,
        List<Rule> rules) {

    public L7Policy {
        services = List.copyOf(services);
        rules = List.copyOf(rules);
    }

    /** {@code <namespace>/<name>}, the xDS resource name. */
    public String key() {
        return namespace + "/" + name;
    }

    /** Whether this policy applies to requests for {@code service}. */
    public boolean appliesTo(NamespacedHostname service) {
        return services.isEmpty() || services.contains(service);
    }

    public enum Action {
        ALLOW,
        DENY,
        AUDIT
    }

    /** Any one {@code from} (or none given) and any one {@code to} (or none given) and every {@code when}. */
    public record Rule(List<Source> from, List<Operation> to, List<Condition> when) {
        public Rule {
            from = List.copyOf(from);
            to = List.copyOf(to);
            when = List.copyOf(when);
        }
    }

    /** Every non-empty field must match: one of the values, and none of the {@code not} values. */
    public record Source(
            List<StringMatch> principals,
            List<StringMatch> notPrincipals,
            List<StringMatch> namespaces,
            List<StringMatch> notNamespaces,
            List<IpNet> ipBlocks,
            List<IpNet> notIpBlocks,
            List<StringMatch> requestPrincipals,
            List<StringMatch> notRequestPrincipals,
            List<IpNet> remoteIpBlocks,
            List<IpNet> notRemoteIpBlocks) {
        public Source {
            remoteIpBlocks = List.copyOf(remoteIpBlocks);
            notRemoteIpBlocks = List.copyOf(notRemoteIpBlocks);
            principals = List.copyOf(principals);
            notPrincipals = List.copyOf(notPrincipals);
            namespaces = List.copyOf(namespaces);
            notNamespaces = List.copyOf(notNamespaces);
            ipBlocks = List.copyOf(ipBlocks);
            notIpBlocks = List.copyOf(notIpBlocks);
            requestPrincipals = List.copyOf(requestPrincipals);
            notRequestPrincipals = List.copyOf(notRequestPrincipals);
        }
    }

    /** Every non-empty field must match; ports are exact numbers. */
    public record Operation(
            List<StringMatch> hosts,
            List<StringMatch> notHosts,
            List<Integer> ports,
            List<Integer> notPorts,
            List<StringMatch> methods,
            List<StringMatch> notMethods,
            List<StringMatch> paths,
            List<StringMatch> notPaths) {
        public Operation {
            hosts = List.copyOf(hosts);
            notHosts = List.copyOf(notHosts);
            ports = List.copyOf(ports);
            notPorts = List.copyOf(notPorts);
            methods = List.copyOf(methods);
            notMethods = List.copyOf(notMethods);
            paths = List.copyOf(paths);
            notPaths = List.copyOf(notPaths);
        }
    }

    /** A {@code when} condition: the key's value matches one of {@code values} and none of {@code notValues}. */
    public record Condition(String key, List<StringMatch> values, List<StringMatch> notValues) {
        public Condition {
            values = List.copyOf(values);
            notValues = List.copyOf(notValues);
        }
    }
}
