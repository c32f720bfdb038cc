package io.ambient4j.ztunnel.admin;

import java.io.IOException;

/**
 * The admin, stats or readiness listener could not start (typically its port is taken). ztunnel must not run
 * without them: the kubelet would never see it ready, and upstream fails the start the same way.
 */
public final class AdminServerException extends IOException {
    /** Why the servers did not start. */
    public enum Reason {
        /** A listener could not bind its port. */
        BIND_FAILED
    }

    private final Reason reason;

    public AdminServerException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
