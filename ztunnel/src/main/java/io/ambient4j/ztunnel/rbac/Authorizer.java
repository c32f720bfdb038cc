package io.ambient4j.ztunnel.rbac;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The L4 authorization decision as upstream ztunnel makes it (ambient-spec §3.3, §8.2). Pure: callers pass the
 * policies that apply to the destination workload ({@code ProxyState.applicablePolicies}); nothing is looked up
 * here, so the decision order is testable on its own.
 *
 * <ol>
 *   <li>any matching non-dry-run DENY ⇒ deny, naming it;
 *   <li>no non-dry-run ALLOW ⇒ allow;
 *   <li>a matching ALLOW ⇒ allow, naming it;
 *   <li>otherwise deny.
 * </ol>
 */
public final class Authorizer {
    private static final System.Logger LOG = System.getLogger("io.ambient4j.ztunnel.rbac.authpol");

    private Authorizer() {}

    /** Decides one connection against the applicable policies. Dry-run policies are evaluated and logged only. */
    public static Decision evaluate(Connection conn, List<Authorization> applicable) {
        List<String> dryRun = new ArrayList<>();
        for (Authorization p : applicable) {
            if (p.dryRun() && p.matches(conn)) {
                dryRun.add(p.key());
                LOG.log(Level.DEBUG, () -> "dry-run: " + p.action() + " policy " + p.key() + " matches " + conn);
            }
        }
        for (Authorization p : applicable) {
            if (!p.dryRun() && p.action() == PolicyAction.DENY && p.matches(conn)) {
                LOG.log(Level.DEBUG, () -> "deny policy " + p.key() + " matches " + conn);
                return new Decision(Decision.Outcome.EXPLICITLY_DENIED, Optional.of(p.key()), dryRun);
            }
        }
        List<Authorization> allow = applicable.stream()
                .filter(p -> !p.dryRun() && p.action() == PolicyAction.ALLOW)
                .toList();
        if (allow.isEmpty()) {
            return new Decision(Decision.Outcome.ALLOWED_NO_ALLOW_POLICIES, Optional.empty(), dryRun);
        }
        for (Authorization p : allow) {
            if (p.matches(conn)) {
                LOG.log(Level.DEBUG, () -> "allow policy " + p.key() + " matches " + conn);
                return new Decision(Decision.Outcome.ALLOWED_BY_POLICY, Optional.of(p.key()), dryRun);
            }
        }
        LOG.log(Level.DEBUG, () -> "no allow policy matches " + conn);
        return new Decision(Decision.Outcome.NOT_ALLOWED, Optional.empty(), dryRun);
    }
}
