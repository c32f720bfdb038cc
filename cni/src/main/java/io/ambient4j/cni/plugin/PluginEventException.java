package io.ambient4j.cni.plugin;

/** A plugin event the agent cannot act on; the reason is stable for metrics, tests and the HTTP status. */
public final class PluginEventException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the event was refused. */
    public enum Reason {
        MALFORMED_JSON,
        MISSING_FIELD,
        BAD_ADDRESS
    }

    private final Reason reason;

    public PluginEventException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
