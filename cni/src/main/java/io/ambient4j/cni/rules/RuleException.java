package io.ambient4j.cni.rules;

/** Rule input that cannot produce a safe rule set; the reason is stable for callers and tests. */
public final class RuleException extends IllegalArgumentException {
    /** Why rule input was rejected. */
    public enum Reason {
        BAD_INTERFACE_NAME,
        BAD_SAVE_OUTPUT,
        BAD_ADDRESS
    }

    private final Reason reason;

    public RuleException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
