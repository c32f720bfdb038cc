package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.AuthorizationPolicySpec;
import io.ambient4j.istiod.kube.crd.PolicyTargetReference;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * AuthorizationPolicy rules (security.istio.io). A policy that istiod would silently drop or mistranslate
 * (an unknown action, a selector that also names targets, an empty principal that would match nothing, a
 * port out of range) is refused at admission instead, so the author sees the mistake in {@code kubectl}.
 */
final class AuthorizationPolicyValidator {
    static final Set<String> ACTIONS = Set.of("ALLOW", "DENY", "AUDIT", "CUSTOM");

    private static final Set<String> PLAIN_KEYS = Set.of(
            "source.ip",
            "remote.ip",
            "source.namespace",
            "source.principal",
            "source.serviceAccount",
            "request.auth.principal",
            "request.auth.audiences",
            "request.auth.presenter",
            "destination.ip",
            "destination.port",
            "connection.sni");

    private AuthorizationPolicyValidator() {}

    static List<Violation> validate(AuthorizationPolicySpec spec, String namespace) {
        Problems p = new Problems();
        if (spec == null) {
            return p.list();
        }
        String action = spec.action == null || spec.action.isEmpty() ? "ALLOW" : spec.action;
        if (!ACTIONS.contains(action)) {
            p.add("spec.action", "unknown action '" + spec.action + "'; expected one of ALLOW, DENY, AUDIT, CUSTOM");
        }
        boolean hasTargets = spec.targetRef != null || (spec.targetRefs != null && !spec.targetRefs.isEmpty());
        if (spec.selector != null && hasTargets) {
            p.add("spec.selector", "only one of selector or targetRefs (targetRef) may be set");
        }
        if (spec.targetRef != null && spec.targetRefs != null && !spec.targetRefs.isEmpty()) {
            p.add("spec.targetRef", "only one of targetRef or targetRefs may be set");
        }
        if (spec.selector != null) {
            Syntax.labels(p, "spec.selector.matchLabels", spec.selector.matchLabels);
        }
        if (spec.targetRef != null) {
            TargetRefs.check(p, "spec.targetRef", spec.targetRef, namespace);
        }
        if (spec.targetRefs != null) {
            for (int i = 0; i < spec.targetRefs.size(); i++) {
                PolicyTargetReference ref = spec.targetRefs.get(i);
                TargetRefs.check(p, "spec.targetRefs[" + i + "]", ref, namespace);
            }
        }
        boolean hasProvider = spec.provider != null;
        if ("CUSTOM".equals(action)) {
            if (!hasProvider || spec.provider.name == null || spec.provider.name.isEmpty()) {
                p.add("spec.provider.name", "a CUSTOM policy needs a provider name");
            }
            if (spec.rules == null) {
                p.add("spec.rules", "a CUSTOM policy without rules never triggers; add an empty rule {} to match all");
            }
        } else if (hasProvider) {
            p.add("spec.provider", "provider is only allowed with action CUSTOM, not " + action);
        }
        if ("DENY".equals(action) && spec.rules == null) {
            p.add("spec.rules", "a DENY policy without rules never triggers; add an empty rule {} to match all");
        }
        if (spec.rules != null) {
            for (int i = 0; i < spec.rules.size(); i++) {
                rule(p, "spec.rules[" + i + "]", spec.rules.get(i));
            }
        }
        return p.list();
    }

    private static void rule(Problems p, String at, AuthorizationPolicySpec.Rule rule) {
        if (rule == null) {
            p.add(at, "a rule must not be null");
            return;
        }
        if (rule.from != null) {
            if (rule.from.isEmpty()) {
                p.add(at + ".from", "must not be an empty list (omit it to match every source)");
            }
            for (int j = 0; j < rule.from.size(); j++) {
                var f = rule.from.get(j);
                String path = at + ".from[" + j + "].source";
                if (f == null || f.source == null) {
                    p.add(path, "must be set");
                } else {
                    source(p, path, f.source);
                }
            }
        }
        if (rule.to != null) {
            if (rule.to.isEmpty()) {
                p.add(at + ".to", "must not be an empty list (omit it to match every operation)");
            }
            for (int j = 0; j < rule.to.size(); j++) {
                var t = rule.to.get(j);
                String path = at + ".to[" + j + "].operation";
                if (t == null || t.operation == null) {
                    p.add(path, "must be set");
                } else {
                    operation(p, path, t.operation);
                }
            }
        }
        if (rule.when != null) {
            for (int j = 0; j < rule.when.size(); j++) {
                condition(p, at + ".when[" + j + "]", rule.when.get(j));
            }
        }
    }

    private static void source(Problems p, String at, AuthorizationPolicySpec.Source s) {
        String[] names = {
            "principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "namespaces", "notNamespaces",
            "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"
        };
        List<List<String>> values = Arrays.asList(
                s.principals,
                s.notPrincipals,
                s.requestPrincipals,
                s.notRequestPrincipals,
                s.namespaces,
                s.notNamespaces,
                s.serviceAccounts,
                s.notServiceAccounts,
                s.ipBlocks,
                s.notIpBlocks,
                s.remoteIpBlocks,
                s.notRemoteIpBlocks);
        boolean any = false;
        for (int i = 0; i < names.length; i++) {
            List<String> v = values.get(i);
            if (v != null && !v.isEmpty()) {
                any = true;
            }
            p.nonEmptyStrings(at + "." + names[i], v);
        }
        if (!any) {
            p.add(at, "must not be empty: set at least one field");
        }
        if (present(s.serviceAccounts) || present(s.notServiceAccounts)) {
            if (present(s.principals) || present(s.notPrincipals)) {
                p.add(at + ".serviceAccounts", "cannot be combined with principals or notPrincipals");
            }
        }
        cidrs(p, at + ".ipBlocks", s.ipBlocks);
        cidrs(p, at + ".notIpBlocks", s.notIpBlocks);
        cidrs(p, at + ".remoteIpBlocks", s.remoteIpBlocks);
        cidrs(p, at + ".notRemoteIpBlocks", s.notRemoteIpBlocks);
    }

    private static void operation(Problems p, String at, AuthorizationPolicySpec.Operation o) {
        boolean any = present(o.hosts)
                || present(o.notHosts)
                || present(o.ports)
                || present(o.notPorts)
                || present(o.methods)
                || present(o.notMethods)
                || present(o.paths)
                || present(o.notPaths);
        if (!any) {
            p.add(at, "must not be empty: set at least one field");
        }
        p.nonEmptyStrings(at + ".hosts", o.hosts);
        p.nonEmptyStrings(at + ".notHosts", o.notHosts);
        p.nonEmptyStrings(at + ".methods", o.methods);
        p.nonEmptyStrings(at + ".notMethods", o.notMethods);
        p.nonEmptyStrings(at + ".paths", o.paths);
        p.nonEmptyStrings(at + ".notPaths", o.notPaths);
        ports(p, at + ".ports", o.ports);
        ports(p, at + ".notPorts", o.notPorts);
    }

    private static void condition(Problems p, String at, AuthorizationPolicySpec.Condition c) {
        if (c == null || c.key == null || c.key.isEmpty()) {
            p.add(at + ".key", "must be set");
            return;
        }
        if (!present(c.values) && !present(c.notValues)) {
            p.add(at, "at least one of values or notValues must be set for key " + c.key);
        }
        p.nonEmptyStrings(at + ".values", c.values);
        p.nonEmptyStrings(at + ".notValues", c.notValues);
        if (!knownKey(c.key)) {
            p.add(at + ".key", "unknown attribute '" + c.key + "'");
            return;
        }
        switch (c.key) {
            case "source.ip", "remote.ip", "destination.ip" -> {
                cidrs(p, at + ".values", c.values);
                cidrs(p, at + ".notValues", c.notValues);
            }
            case "destination.port" -> {
                ports(p, at + ".values", c.values);
                ports(p, at + ".notValues", c.notValues);
            }
            default -> {}
        }
    }

    static boolean knownKey(String key) {
        if (PLAIN_KEYS.contains(key) || key.startsWith("experimental.envoy.filters.")) {
            return true;
        }
        return (bracketed(key, "request.headers[") || bracketed(key, "request.auth.claims["));
    }

    private static boolean bracketed(String key, String prefix) {
        return key.startsWith(prefix) && key.endsWith("]") && key.length() > prefix.length() + 1;
    }

    private static void ports(Problems p, String at, List<String> ports) {
        if (ports == null) {
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            String v = ports.get(i);
            if (v != null && !v.isEmpty() && Syntax.port(v, 0) == null) {
                p.add(at + "[" + i + "]", "port '" + v + "' is not a number in 0-65535");
            }
        }
    }

    private static void cidrs(Problems p, String at, List<String> blocks) {
        if (blocks == null) {
            return;
        }
        for (int i = 0; i < blocks.size(); i++) {
            String v = blocks.get(i);
            if (v != null && !v.isEmpty() && !Syntax.ipOrCidr(v)) {
                p.add(at + "[" + i + "]", "'" + v + "' is not an IP address or CIDR");
            }
        }
    }

    private static boolean present(List<String> l) {
        return l != null && !l.isEmpty();
    }
}
