package io.ambient4j.cni.netns;

import java.io.IOException;

/** A rule tool failed or left the kernel in a state other than the one asked for. */
public final class NetnsCommandException extends IOException {
    /** Why; stable for callers deciding whether to retry. */
    public enum Reason {
        /** A command exited non-zero. */
        COMMAND_FAILED,
        /** A command did not finish in time. */
        TIMEOUT,
        /** The rules read back differ from the rules written. */
        VERIFY_FAILED
    }

    private final Reason reason;

    public NetnsCommandException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
