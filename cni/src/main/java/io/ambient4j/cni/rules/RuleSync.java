package io.ambient4j.cni.rules;

/**
 * Whether to touch a pod's rules, decided from what is installed. A plain {@code iptables-restore
 * --noflush} is not idempotent (a second {@code -N} fails the whole transaction), so the agent compares
 * first and only applies, or removes then re-applies, when needed.
 */
public final class RuleSync {
    /** What to do. */
    public enum Action {
        /** Exactly the desired rules are installed. */
        NONE,
        /** Nothing of ours is installed. */
        APPLY,
        /** Something else of ours is installed (drift, older version, partial state). */
        REMOVE_THEN_APPLY
    }

    private RuleSync() {}

    public static Action decide(IptablesState desired, IptablesState actual) {
        if (actual.equals(desired)) {
            return Action.NONE;
        }
        return actual.isEmpty() ? Action.APPLY : Action.REMOVE_THEN_APPLY;
    }
}
