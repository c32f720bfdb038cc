package io.ambient4j.cni.enablement;

/** An enablement selector value that cannot be used; says where in the value and why. */
public final class SelectorException extends IllegalArgumentException {
    /** Why the value was rejected; stable for callers and tests. */
    public enum Reason {
        NOT_YAML,
        NOT_A_LIST,
        BAD_ENTRY,
        UNKNOWN_FIELD,
        BAD_OPERATOR,
        BAD_VALUES,
        BAD_KEY
    }

    private final Reason reason;

    public SelectorException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
