package io.ambient4j.ztunnel.rbac;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of authorizing one connection, with the policy that decided it so the access log and a 401 can name
 * it, and the dry-run policies that would have matched.
 *
 * @param outcome what was decided and why
 * @param policy {@code <namespace>/<name>} of the deciding policy, for explicit allows and denies
 * @param dryRunMatches dry-run policies whose conditions held (logged, never enforced)
 */
public record Decision(Outcome outcome, Optional<String> policy, List<String> dryRunMatches) {
    public Decision {
        dryRunMatches = List.copyOf(dryRunMatches);
    }

    /** Why a connection was allowed or denied (upstream's {@code ExplicitlyDenied} / {@code NotAllowed}). */
    public enum Outcome {
        /** No (enforced) ALLOW policy applies, and no DENY matched. */
        ALLOWED_NO_ALLOW_POLICIES(true),
        /** An ALLOW policy matched. */
        ALLOWED_BY_POLICY(true),
        /** A DENY policy matched ({@code ExplicitlyDenied(ns, name)}). */
        EXPLICITLY_DENIED(false),
        /** ALLOW policies apply and none matched ({@code NotAllowed}). */
        NOT_ALLOWED(false);

        private final boolean allowed;

        Outcome(boolean allowed) {
            this.allowed = allowed;
        }

        public boolean allowed() {
            return allowed;
        }
    }

    public boolean allowed() {
        return outcome.allowed();
    }
}
