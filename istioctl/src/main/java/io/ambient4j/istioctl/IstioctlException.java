package io.ambient4j.istioctl;

/**
 * Every failure istioctl reports to a person. The reason is stable (tests and scripts match on it);
 * the message says what went wrong in words and, where there is one, what to do about it.
 */
public final class IstioctlException extends RuntimeException {
    /** Stable reasons; the process exit code is 1 for all of them. */
    public enum Reason {
        CLUSTER_UNREACHABLE,
        FORBIDDEN,
        KUBE_API_ERROR,
        UNKNOWN_PROFILE,
        UNKNOWN_VALUE,
        BAD_VALUES_FILE,
        BAD_ARGUMENT,
        RENDER_FAILED,
        NOT_READY,
        NOT_FOUND,
        MISSING_CRDS,
        ZTUNNEL_ADMIN_UNREACHABLE,
        BAD_CONFIG_DUMP
    }

    private final Reason reason;

    public IstioctlException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public IstioctlException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
