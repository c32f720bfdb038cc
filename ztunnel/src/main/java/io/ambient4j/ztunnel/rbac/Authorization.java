package io.ambient4j.ztunnel.rbac;

import io.ambient4j.common.identity.SpiffeId;
import java.util.List;
import java.util.function.Predicate;

/**
 * An L4 authorization policy as ztunnel holds it: {@code rules} (OR-ed) of clauses (AND-ed) of matches (OR-ed).
 * The nesting is kept as plain lists so the evaluation below reads like the semantics in ambient-spec §3.3.
 *
 * @param name policy name
 * @param namespace policy namespace
 * @param scope where it applies
 * @param action ALLOW or DENY
 * @param rules rule → clause → match
 * @param dryRun only log the outcome
 */
public record Authorization(
        String name,
        String namespace,
        PolicyScope scope,
        PolicyAction action,
        List<List<List<RbacMatch>>> rules,
        boolean dryRun) {

    public Authorization {
        rules = rules.stream().map(r -> r.stream().map(List::copyOf).toList()).toList();
    }

    /** The xDS resource name and config-dump key, {@code <namespace>/<name>}. */
    public String key() {
        return namespace + "/" + name;
    }

    /**
     * Whether this policy's conditions hold for the connection (regardless of action). A policy without rules never
     * matches; a rule without clauses matches; a clause without matches matches; a match with no field set is skipped.
     */
    public boolean matches(Connection conn) {
        if (rules.isEmpty()) {
            return false;
        }
        for (List<List<RbacMatch>> rule : rules) {
            if (ruleMatches(rule, conn)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ruleMatches(List<List<RbacMatch>> rule, Connection conn) {
        for (List<RbacMatch> clause : rule) {
            if (!clause.isEmpty() && clause.stream().noneMatch(m -> !m.isEmpty() && matchOne(m, conn))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchOne(RbacMatch m, Connection conn) {
        String principal = conn.sourceIdentity().map(SpiffeId::uri).orElse("");
        String ns = conn.sourceIdentity().map(i -> i.namespace()).orElse("");
        return check(
                        m.destinationIps(),
                        m.notDestinationIps(),
                        n -> n.contains(conn.destination().getAddress()))
                && check(
                        m.sourceIps(),
                        m.notSourceIps(),
                        n -> n.contains(conn.source().getAddress()))
                && check(
                        m.destinationPorts(),
                        m.notDestinationPorts(),
                        p -> p == conn.destination().getPort())
                && check(m.serviceAccounts(), m.notServiceAccounts(), sa -> sa.matches(conn.sourceIdentity()))
                && check(m.principals(), m.notPrincipals(), s -> s.matchesPrincipal(principal))
                && check(m.namespaces(), m.notNamespaces(), s -> s.matches(ns));
    }

    private static <T> boolean check(List<T> positive, List<T> negative, Predicate<T> test) {
        boolean pos = positive.isEmpty() || positive.stream().anyMatch(test);
        boolean neg = negative.isEmpty() || negative.stream().noneMatch(test);
        return pos && neg;
    }
}
