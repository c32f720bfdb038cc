package io.ambient4j.cni.plugin;

/**
 * The node's CNI configuration cannot take the plugin yet. The installer reports it (readiness, metrics,
 * log) and waits for the next change of the directory instead of overwriting what it does not understand.
 */
public final class CniConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why; stable for tests and logs. */
    public enum Reason {
        /** Chained mode and no .conf/.conflist yet: the primary CNI has not written its config. */
        NO_PRIMARY_CONFIG,
        /** Not parseable JSON: possibly half-written by the primary CNI. */
        INVALID_JSON,
        /** JSON, but not a CNI configuration (no object, no type, no plugins list). */
        NOT_A_CNI_CONFIG,
        IO
    }

    private final Reason reason;

    public CniConfigException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public CniConfigException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
