package io.ambient4j.ztunnel.inpod;

import java.io.IOException;

/**
 * In-pod mode cannot run in this process: a missing capability found at start-up, so the pod fails fast
 * instead of accepting pods it could never serve.
 */
public final class InpodSetupException extends IOException {
    /** Which capability is missing. */
    public enum Reason {
        /** SO_MARK could not be set (CAP_NET_ADMIN / CAP_NET_RAW). */
        SO_MARK_UNAVAILABLE,
        /** setns failed (CAP_SYS_ADMIN). */
        SETNS_UNAVAILABLE
    }

    private final Reason reason;

    public InpodSetupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
