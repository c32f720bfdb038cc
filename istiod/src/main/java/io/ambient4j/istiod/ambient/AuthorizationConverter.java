package io.ambient4j.istiod.ambient;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Address;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.security.ServiceAccountMatch;
import io.ambient4j.api.security.StringMatch;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * AuthorizationPolicy → L4 {@code istio.security.Authorization} for ztunnel (spec §8.2, upstream
 * {@code convertAuthorizationPolicy}). Pure.
 *
 * <p>Strings are matched literally: {@code *} alone is presence, a leading {@code *} a suffix, a trailing
 * {@code *} a prefix, anything else exact. Nothing is ever turned into a regular expression, so dots or
 * regex metacharacters in a principal cannot widen a match.
 */
public final class AuthorizationConverter {
    private static final Set<String> L4_WHEN_KEYS =
            Set.of("source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port");

    static final String HTTP_RULE_FMT =
            "ztunnel does not support HTTP attributes (found: %s). In ambient mode you must use a waypoint proxy"
                    + " to enforce HTTP rules. %s";
    static final String HTTP_DENY_NO_EFFECT =
            "After omitting unsupported HTTP attributes, this DENY policy has no enforceable rules at ztunnel"
                    + " and will have no effect. Deploy a waypoint proxy and use a targetRef to enforce this policy.";
    static final String HTTP_DENY_MIXED = "DENY policy with HTTP attributes is enforced without the HTTP rules. "
            + "This will be more restrictive than requested.";
    static final String HTTP_ALLOW = "Within an ALLOW policy, rules matching HTTP attributes are omitted. "
            + "This will be more restrictive than requested.";

    private AuthorizationConverter() {}

    /**
     * The result for one policy.
     *
     * @param authorization what ztunnel gets, or null when not sent
     * @param status the status message, or null when fully accepted (then {@code Accepted}); null together
     *     with a null authorization means "not for ztunnel" (targetRefs, other revision): no status either
     * @param selector the workload selector (empty for namespace/global scope)
     */
    public record Converted(Authorization authorization, Message status, Map<String, String> selector) {
        /** The policy's status condition, or null when none is to be written. */
        public PolicyStatus condition(long generation) {
            if (authorization == null && status == null) {
                return null;
            }
            if (status == null) {
                return new PolicyStatus(true, PolicyStatus.REASON_ACCEPTED, PolicyStatus.MESSAGE_ACCEPTED, generation);
            }
            return new PolicyStatus(authorization != null, status.reason(), status.message(), generation);
        }
    }

    /** A status reason and message. */
    public record Message(String reason, String message) {}

    /** Converts one policy; never throws for bad content (that becomes the status). */
    public static Converted convert(AuthorizationPolicy obj, MeshSettings mesh) {
        var meta = obj.getMetadata();
        String ns = meta.getNamespace();
        String rev = Selectors.orEmpty(meta.getLabels()).get(Labels.REV);
        if (rev != null && !rev.equals(mesh.revision())) {
            return new Converted(null, null, Map.of());
        }
        AuthorizationPolicySpec spec = obj.getSpec() == null ? new AuthorizationPolicySpec() : obj.getSpec();
        // A targetRef policy is the waypoint's (L7PolicyTranslator), dry-run included: ztunnel never sees it.
        if (spec.targetRef != null || (spec.targetRefs != null && !spec.targetRefs.isEmpty())) {
            return new Converted(null, null, Map.of());
        }
        String dryRunValue = Selectors.orEmpty(meta.getAnnotations()).get(Labels.DRY_RUN);
        if (dryRunValue != null && Waypoints.parseGoBool(dryRunValue)) {
            return new Converted(
                    null,
                    new Message(
                            PolicyStatus.REASON_UNSUPPORTED,
                            "found policy \"" + ns + "/" + meta.getName()
                                    + "\" using dry-run annotation, but support for ambient dry-run"
                                    + " authorizationPolicies isn't enabled"),
                    Map.of());
        }
        Map<String, String> selector = spec.selector == null ? Map.of() : Selectors.orEmpty(spec.selector.matchLabels);
        Scope scope;
        if (spec.selector != null) {
            scope = Scope.WORKLOAD_SELECTOR;
        } else if (mesh.rootNamespace().equals(ns)) {
            scope = Scope.GLOBAL;
        } else {
            scope = Scope.NAMESPACE;
        }
        String actionName = spec.action == null || spec.action.isEmpty() ? "ALLOW" : spec.action;
        Action action;
        switch (actionName) {
            case "ALLOW" -> action = Action.ALLOW;
            case "DENY" -> action = Action.DENY;
            case "AUDIT", "CUSTOM" -> {
                return new Converted(
                        null,
                        new Message(
                                PolicyStatus.REASON_UNSUPPORTED,
                                "ztunnel does not support the " + actionName + " action"),
                        selector);
            }
            default -> {
                return new Converted(
                        null,
                        new Message(
                                PolicyStatus.REASON_UNSUPPORTED,
                                "unknown action \"" + actionName + "\" (expected ALLOW, DENY, AUDIT or CUSTOM)"),
                        selector);
            }
        }
        Authorization.Builder out = Authorization.newBuilder()
                .setName(meta.getName())
                .setNamespace(ns)
                .setScope(scope)
                .setAction(action);
        Set<String> httpAttributes = new TreeSet<>();
        List<String> invalid = new ArrayList<>();
        List<AuthorizationPolicySpec.Rule> rules = spec.rules == null ? List.of() : spec.rules;
        for (int i = 0; i < rules.size(); i++) {
            AuthorizationPolicySpec.Rule r = rules.get(i) == null ? new AuthorizationPolicySpec.Rule() : rules.get(i);
            Rule group = convertRule(action, r, ns, "rules[" + i + "]", httpAttributes, invalid);
            if (group != null) {
                out.addRules(group);
            }
        }
        Authorization auth = out.build();
        List<String> problems = new ArrayList<>();
        if (!httpAttributes.isEmpty()) {
            String boilerplate;
            if (action == Action.DENY && !hasEffectiveRules(auth.getRulesList())) {
                boilerplate = HTTP_DENY_NO_EFFECT;
            } else if (action == Action.DENY) {
                boilerplate = HTTP_DENY_MIXED;
            } else {
                boilerplate = HTTP_ALLOW;
            }
            problems.add(String.format(HTTP_RULE_FMT, String.join(", ", httpAttributes), boilerplate));
        }
        if (!invalid.isEmpty()) {
            problems.add("invalid values ignored: " + String.join("; ", invalid)
                    + (action == Action.ALLOW
                            ? ". Rules with invalid values are omitted from this ALLOW policy."
                            : ". Invalid values are omitted from this DENY policy."));
        }
        if (problems.isEmpty()) {
            return new Converted(auth, null, selector);
        }
        return new Converted(auth, new Message(PolicyStatus.REASON_UNSUPPORTED, String.join(" ", problems)), selector);
    }

    /** One rule → one group (Rule) whose clauses are AND-ed; null when the rule is dropped (ALLOW + L7). */
    static Rule convertRule(
            Action action,
            AuthorizationPolicySpec.Rule rule,
            String ns,
            String path,
            Set<String> httpAttributes,
            List<String> invalid) {
        boolean unsupported = false;
        List<Match> toMatches = new ArrayList<>();
        List<AuthorizationPolicySpec.To> tos = rule.to == null ? List.of() : rule.to;
        for (int i = 0; i < tos.size(); i++) {
            var op = tos.get(i) == null || tos.get(i).operation == null
                    ? new AuthorizationPolicySpec.Operation()
                    : tos.get(i).operation;
            String p = path + ".to[" + i + "].operation";
            unsupported |= addIfPresent(httpAttributes, "hosts", op.hosts);
            unsupported |= addIfPresent(httpAttributes, "notHosts", op.notHosts);
            unsupported |= addIfPresent(httpAttributes, "methods", op.methods);
            unsupported |= addIfPresent(httpAttributes, "notMethods", op.notMethods);
            unsupported |= addIfPresent(httpAttributes, "paths", op.paths);
            unsupported |= addIfPresent(httpAttributes, "notPaths", op.notPaths);
            int before = invalid.size();
            toMatches.add(Match.newBuilder()
                    .addAllDestinationPorts(ports(op.ports, p + ".ports", invalid))
                    .addAllNotDestinationPorts(ports(op.notPorts, p + ".notPorts", invalid))
                    .build());
            unsupported |= invalid.size() > before;
        }
        List<Match> fromMatches = new ArrayList<>();
        List<AuthorizationPolicySpec.From> froms = rule.from == null ? List.of() : rule.from;
        for (int i = 0; i < froms.size(); i++) {
            var src = froms.get(i) == null || froms.get(i).source == null
                    ? new AuthorizationPolicySpec.Source()
                    : froms.get(i).source;
            String p = path + ".from[" + i + "].source";
            unsupported |= addIfPresent(httpAttributes, "remoteIpBlocks", src.remoteIpBlocks);
            unsupported |= addIfPresent(httpAttributes, "notRemoteIpBlocks", src.notRemoteIpBlocks);
            unsupported |= addIfPresent(httpAttributes, "requestPrincipals", src.requestPrincipals);
            unsupported |= addIfPresent(httpAttributes, "notRequestPrincipals", src.notRequestPrincipals);
            int before = invalid.size();
            fromMatches.add(Match.newBuilder()
                    .addAllSourceIps(ips(src.ipBlocks, p + ".ipBlocks", invalid))
                    .addAllNotSourceIps(ips(src.notIpBlocks, p + ".notIpBlocks", invalid))
                    .addAllNamespaces(strings(src.namespaces))
                    .addAllNotNamespaces(strings(src.notNamespaces))
                    .addAllServiceAccounts(serviceAccounts(src.serviceAccounts, ns))
                    .addAllNotServiceAccounts(serviceAccounts(src.notServiceAccounts, ns))
                    .addAllPrincipals(strings(src.principals))
                    .addAllNotPrincipals(strings(src.notPrincipals))
                    .build());
            unsupported |= invalid.size() > before;
        }
        List<Clause> clauses = new ArrayList<>();
        if (!toMatches.isEmpty()) {
            clauses.add(Clause.newBuilder().addAllMatches(toMatches).build());
        }
        if (!fromMatches.isEmpty()) {
            clauses.add(Clause.newBuilder().addAllMatches(fromMatches).build());
        }
        List<AuthorizationPolicySpec.Condition> whens = rule.when == null ? List.of() : rule.when;
        for (int i = 0; i < whens.size(); i++) {
            var when = whens.get(i) == null ? new AuthorizationPolicySpec.Condition() : whens.get(i);
            String key = when.key == null ? "" : when.key;
            String p = path + ".when[" + i + "]";
            if (!L4_WHEN_KEYS.contains(key)) {
                unsupported = true;
                httpAttributes.add(key);
            }
            Match.Builder m = Match.newBuilder();
            int before = invalid.size();
            switch (key) {
                case "source.namespace" ->
                    m.addAllNamespaces(strings(when.values)).addAllNotNamespaces(strings(when.notValues));
                case "source.principal" ->
                    m.addAllPrincipals(strings(when.values)).addAllNotPrincipals(strings(when.notValues));
                case "source.ip" ->
                    m.addAllSourceIps(ips(when.values, p + ".values", invalid))
                            .addAllNotSourceIps(ips(when.notValues, p + ".notValues", invalid));
                case "destination.port" ->
                    m.addAllDestinationPorts(ports(when.values, p + ".values", invalid))
                            .addAllNotDestinationPorts(ports(when.notValues, p + ".notValues", invalid));
                case "destination.ip" ->
                    m.addAllDestinationIps(ips(when.values, p + ".values", invalid))
                            .addAllNotDestinationIps(ips(when.notValues, p + ".notValues", invalid));
                default -> {}
            }
            unsupported |= invalid.size() > before;
            clauses.add(Clause.newBuilder().addMatches(m).build());
        }
        if (action == Action.ALLOW && unsupported) {
            return null;
        }
        return Rule.newBuilder().addAllClauses(clauses).build();
    }

    private static boolean addIfPresent(Set<String> found, String name, List<String> values) {
        if (values != null && !values.isEmpty()) {
            found.add(name);
            return true;
        }
        return false;
    }

    /** {@code *} → presence, {@code *x} → suffix, {@code x*} → prefix, else exact; always literal. */
    public static StringMatch stringMatch(String v) {
        if (v.equals("*")) {
            return StringMatch.newBuilder()
                    .setPresence(Empty.getDefaultInstance())
                    .build();
        }
        if (v.startsWith("*")) {
            return StringMatch.newBuilder().setSuffix(v.substring(1)).build();
        }
        if (v.endsWith("*")) {
            return StringMatch.newBuilder()
                    .setPrefix(v.substring(0, v.length() - 1))
                    .build();
        }
        return StringMatch.newBuilder().setExact(v).build();
    }

    static List<StringMatch> strings(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream()
                .filter(v -> v != null)
                .map(AuthorizationConverter::stringMatch)
                .toList();
    }

    /** {@code ns/sa}, or a bare {@code sa} in the policy's namespace. */
    static List<ServiceAccountMatch> serviceAccounts(List<String> values, String ns) {
        if (values == null) {
            return List.of();
        }
        List<ServiceAccountMatch> out = new ArrayList<>();
        for (String v : values) {
            int slash = v.indexOf('/');
            out.add(
                    slash >= 0
                            ? ServiceAccountMatch.newBuilder()
                                    .setNamespace(v.substring(0, slash))
                                    .setServiceAccount(v.substring(slash + 1))
                                    .build()
                            : ServiceAccountMatch.newBuilder()
                                    .setNamespace(ns)
                                    .setServiceAccount(v)
                                    .build());
        }
        return out;
    }

    static List<Integer> ports(List<String> values, String path, List<String> invalid) {
        if (values == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (String v : values) {
            int port = -1;
            try {
                port = v == null ? -1 : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                // reported below
            }
            if (port < 0 || port > 65535) {
                invalid.add(path + ": \"" + v + "\" is not a port number");
                continue;
            }
            out.add(port);
        }
        return out;
    }

    static List<Address> ips(List<String> values, String path, List<String> invalid) {
        if (values == null) {
            return List.of();
        }
        List<Address> out = new ArrayList<>();
        for (String v : values) {
            if (v == null || v.isEmpty()) {
                continue;
            }
            var cidr = IpAddresses.parseCidr(v, false);
            if (cidr.isEmpty()) {
                invalid.add(path + ": \"" + v + "\" is not an IP address or CIDR");
                continue;
            }
            out.add(Address.newBuilder()
                    .setAddress(ByteString.copyFrom(cidr.get().address()))
                    .setLength(cidr.get().length())
                    .build());
        }
        return out;
    }

    /** Whether any group can ever fire at ztunnel (empty matches are skipped there). */
    static boolean hasEffectiveRules(List<Rule> groups) {
        for (Rule g : groups) {
            if (g.getClausesCount() == 0) {
                return true;
            }
            boolean effective = true;
            for (Clause c : g.getClausesList()) {
                boolean nonEmpty = false;
                for (Match m : c.getMatchesList()) {
                    if (!m.equals(Match.getDefaultInstance())) {
                        nonEmpty = true;
                        break;
                    }
                }
                if (!nonEmpty) {
                    effective = false;
                    break;
                }
            }
            if (effective) {
                return true;
            }
        }
        return false;
    }
}
